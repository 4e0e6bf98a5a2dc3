"""Deployment approvals (order V.A.2, V.E.1, III.8): where and when the Program Administrator approved each unit."""
