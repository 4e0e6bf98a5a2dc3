"""Hot lists: lists, immutable versions, importers, distribution to units, matching and retro-hits."""
