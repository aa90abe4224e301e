"""The admin's commendation pages (filled below)."""
