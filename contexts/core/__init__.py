"""Core: organisations (tenants) and domains, users and roles, API keys, clients, documents, audit."""
