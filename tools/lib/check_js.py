"""Runs `node --check` on every .js file under a directory; writes one JUnit test case per file
so tools/test's summary counts them. Exits non-zero when a file fails or none was found."""
import pathlib
import subprocess
import sys
import xml.etree.ElementTree as ET

out, directory = sys.argv[1], pathlib.Path(sys.argv[2])
files = sorted(directory.rglob("*.js"))
suite = ET.Element("testsuite", name="js-syntax")
failed = 0
for path in files:
    case = ET.SubElement(suite, "testcase", classname="js-syntax", name=str(path.relative_to(directory)))
    result = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True)
    if result.returncode != 0:
        failed += 1
        print(f"node --check {path}:\n{result.stderr}", file=sys.stderr)
        ET.SubElement(case, "failure", message="syntax error").text = result.stderr
suite.set("tests", str(len(files)))
suite.set("failures", str(failed))
root = ET.Element("testsuites")
root.append(suite)
ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
if not files:
    print(f"no .js files under {directory}", file=sys.stderr)
sys.exit(1 if failed or not files else 0)
