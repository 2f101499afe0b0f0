/// Something holding an ordered list of a= lines: the session level and each media section.
/// Attributes that can sit at either level (ICE credentials, fingerprint, setup, extmap,
/// direction) get their typed accessors here.
public protocol AttributeContainer {
    var attributes: [Attribute] { get set }
}

extension AttributeContainer {
    public func hasAttribute(_ name: String) -> Bool { attributes.contains { $0.name == name } }

    /// The value of the first attribute with this name (`""` for a flag), nil when absent.
    public func attributeValue(_ name: String) -> String? {
        attributes.first { $0.name == name }.map { $0.value ?? "" }
    }

    /// Every value of attributes with this name, in order.
    public func attributeValues(_ name: String) -> [String] {
        attributes.compactMap { $0.name == name ? ($0.value ?? "") : nil }
    }

    /// Every well-formed value of type `T`, in order. The parser has validated attributes of
    /// known types, so nothing is dropped from a parsed description.
    public func values<T: AttributeValue>(_ type: T.Type) -> [T] {
        attributes.compactMap { a in
            guard a.name == T.attributeName else { return nil }
            return try? T(parsing: a.value ?? "")
        }
    }

    public func value<T: AttributeValue>(_ type: T.Type) -> T? {
        for a in attributes where a.name == T.attributeName {
            if let v = try? T(parsing: a.value ?? "") { return v }
        }
        return nil
    }

    /// Sets a single-valued attribute: the first one keeps its place, later ones go; nil removes it.
    public mutating func setAttribute(_ name: String, _ value: String?, flag: Bool = false) {
        guard value != nil || flag else {
            removeAttributes(name)
            return
        }
        let newValue = flag ? nil : value
        if let i = attributes.firstIndex(where: { $0.name == name }) {
            attributes[i].value = newValue
            var seen = false
            attributes.removeAll { a in
                guard a.name == name else { return false }
                defer { seen = true }
                return seen
            }
        } else {
            attributes.append(Attribute(name, newValue))
        }
    }

    public mutating func removeAttributes(_ name: String) { attributes.removeAll { $0.name == name } }

    public mutating func append<T: AttributeValue>(_ value: T) { attributes.append(value.attribute) }

    public mutating func setFlag(_ name: String, _ on: Bool) {
        if on { setAttribute(name, nil, flag: true) } else { removeAttributes(name) }
    }

    // MARK: typed accessors valid at session and media level

    public var iceUfrag: String? {
        get { attributeValue("ice-ufrag").map(SDPText.trimmed) }
        set { setAttribute("ice-ufrag", newValue) }
    }

    public var icePwd: String? {
        get { attributeValue("ice-pwd").map(SDPText.trimmed) }
        set { setAttribute("ice-pwd", newValue) }
    }

    /// a=ice-options tokens (`trickle`, `ice2`, `renomination`).
    public var iceOptions: [String] {
        get { attributeValues("ice-options").flatMap(SDPText.fields) }
        set { setAttribute("ice-options", newValue.isEmpty ? nil : newValue.joined(separator: " ")) }
    }

    public var fingerprints: [SDPFingerprint] { values(SDPFingerprint.self) }

    public var setup: SetupRole? {
        get { attributeValue("setup").flatMap { try? SetupRole(parsing: $0) } }
        set { setAttribute("setup", newValue?.rawValue) }
    }

    public var extensionMaps: [ExtensionMap] { values(ExtensionMap.self) }

    /// The direction attribute written at this level, if any.
    public var explicitDirection: MediaDirection? {
        get {
            for a in attributes { if let d = MediaDirection(rawValue: a.name) { return d } }
            return nil
        }
        set {
            let existing = attributes.firstIndex { MediaDirection(rawValue: $0.name) != nil }
            attributes.removeAll { MediaDirection(rawValue: $0.name) != nil }
            guard let newValue else { return }
            attributes.insert(Attribute(newValue.rawValue), at: Swift.min(existing ?? attributes.count, attributes.count))
        }
    }
}
