"""Logistics: shipments, carriers and tracking, postal dispatch of documents, delivery events."""
