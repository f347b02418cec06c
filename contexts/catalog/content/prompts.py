"""What is sent to the provider: an instruction per kind of text and the product's attributes,
in a stable order, so that the same attributes, kind and model give the same input hash."""
from __future__ import annotations

import hashlib
import json

from contexts.catalog.content.models import GenerationKind

SYSTEM = ("Tu es rédacteur pour la fiche produit d'un commerce français. Tu écris en français, sans inventer "
          "de caractéristique absente des attributs fournis, sans prix ni promesse, sans balise HTML.")

INSTRUCTIONS = {
    GenerationKind.DESCRIPTION: "Rédige la description du produit (80 à 150 mots, un ou deux paragraphes).",
    GenerationKind.SEO: "Rédige une méta-description pour les moteurs de recherche (155 caractères au plus, une phrase).",
    GenerationKind.ALT_TEXT: "Rédige le texte alternatif de la photo du produit (125 caractères au plus, ce que montre l'image).",
}

# The longest text each kind may write into the product.
MAX_LENGTH = {GenerationKind.DESCRIPTION: 5000, GenerationKind.SEO: 320, GenerationKind.ALT_TEXT: 200}


def attributes_of(product) -> dict:
    """The product's attributes as the provider sees them (variants' values merged, sorted)."""
    merged: dict[str, set[str]] = {}
    for variant in product.variants.all():
        if not variant.is_active:
            continue
        for key, value in (variant.attributes or {}).items():
            merged.setdefault(str(key), set()).add(str(value))
    return {
        "nom": product.name,
        "marque": product.brand,
        "catégorie": product.category.name if product.category_id else "",
        "attributs": {k: sorted(v) for k, v in sorted(merged.items())},
    }


def prompt_for(*, kind: str, product, image=None) -> str:
    facts = attributes_of(product)
    if kind == GenerationKind.ALT_TEXT and image is not None:
        facts["photo"] = f"image n° {image.position + 1} du produit"
    return INSTRUCTIONS[kind] + "\n\nProduit :\n" + json.dumps(facts, ensure_ascii=False, sort_keys=True, indent=1)


def input_hash(*, kind: str, model: str, prompt: str) -> str:
    raw = json.dumps({"kind": str(kind), "model": model, "system": SYSTEM, "prompt": prompt}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()
