/// A category a video may be filed under. The list is seeded by the `v8-videos` migration.
public struct VideoCategory: Sendable, Equatable, Codable {
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }

    public static let catalog: [VideoCategory] = [
        VideoCategory(id: "music", name: "Music"),
        VideoCategory(id: "gaming", name: "Gaming"),
        VideoCategory(id: "talk", name: "Talk & chat"),
        VideoCategory(id: "education", name: "Education"),
        VideoCategory(id: "sports", name: "Sports"),
        VideoCategory(id: "travel", name: "Travel"),
        VideoCategory(id: "food", name: "Food"),
        VideoCategory(id: "art", name: "Art & crafts"),
        VideoCategory(id: "comedy", name: "Comedy"),
        VideoCategory(id: "other", name: "Other"),
    ]
}
