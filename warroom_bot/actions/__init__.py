"""Action items: the improvement actions written in the daily retrospectives, closed by their owners."""
