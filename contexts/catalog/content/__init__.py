"""AI content for the catalog: product descriptions, short SEO texts and image alt texts
generated from a product's attributes by an OpenAI-compatible provider, as proposals that staff
accept (optionally edited) or reject. See docs/ai-content.md."""
