"""The official result of a drive (filled below)."""
