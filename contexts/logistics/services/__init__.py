"""Logistics commands: shipments, labels and tracking, rates, click and collect, postal dispatch."""
