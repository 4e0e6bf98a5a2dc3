"""Hot lists on the operations server: importing state and federal list files (issue #4)."""
