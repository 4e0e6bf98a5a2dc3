"""The officer at the unit (order V.E.5, V.E.8a): log-on for the shift, and accept/reject taken in the car."""
