#include <GeoIP.h>
