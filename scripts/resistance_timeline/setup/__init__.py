"""Configuration, sample sheets and the parse-time checks of the files they name."""
