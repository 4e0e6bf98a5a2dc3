"""Where each unit stands (order V.E.2h, V.E.3, V.F.2): its last contact, hot list and officer on shift."""
