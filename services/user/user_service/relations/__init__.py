"""Block and mute: who hides whom, the lists of each, and the pair check other services ask."""
