import MatroskaFormat

/// The probe names the ids it reads as module MatroskaFormat spells them (the muxer writes the same).
typealias ID = EBMLID
