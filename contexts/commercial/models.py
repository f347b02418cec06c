"""Commercial data: carts, orders and their history. Variants, customers, clients and payments
belong to other contexts and are kept by UUID."""
import uuid

from django.db import models
from django.db.models import Q
from crm.models import UUIDModel


class CartStatus(models.TextChoices):
    OPEN = "open", "Ouvert"
    CHECKED_OUT = "checked_out", "Commandé"
    ABANDONED = "abandoned", "Abandonné"


class Cart(UUIDModel):
    session_id = models.CharField(verbose_name="session", max_length=64, help_text="choisie par la boutique en ligne, pour les paniers anonymes")
    customer_id = models.UUIDField(verbose_name="client en ligne", null=True, blank=True, db_index=True)
    status = models.CharField(verbose_name="état", max_length=12, choices=CartStatus.choices, default=CartStatus.OPEN)
    coupon = models.CharField(verbose_name="coupon", max_length=40, blank=True)
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name="modifié le", auto_now=True)
    recovery_sent_at = models.DateTimeField(verbose_name="relance envoyée le", null=True, blank=True)

    class Meta:
        verbose_name = "panier"
        verbose_name_plural = "paniers"
        constraints = [models.UniqueConstraint(fields=["session_id"], condition=Q(status="open"), name="commercial_one_open_cart_per_session")]

    @property
    def reference(self) -> str:
        return f"cart:{self.id}"


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, verbose_name="panier", on_delete=models.CASCADE, related_name="items")
    variant_id = models.UUIDField(verbose_name="variante")
    quantity = models.PositiveIntegerField(verbose_name="quantité")

    class Meta:
        verbose_name = "article du panier"
        verbose_name_plural = "articles du panier"
        ordering = ["cart", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant_id"], name="commercial_cart_item_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="commercial_cart_item_positive"),
        ]


class OrderStatus(models.TextChoices):
    PLACED = "placed", "Passée"
    PAID = "paid", "Payée"
    PREPARING = "preparing", "En préparation"
    SHIPPED = "shipped", "Expédiée"
    DELIVERED = "delivered", "Livrée"
    CANCELLED = "cancelled", "Annulé(e)"
    RETURNED = "returned", "Retournée / remboursée"


TRANSITIONS = {
    OrderStatus.PLACED: {OrderStatus.PAID, OrderStatus.CANCELLED},
    OrderStatus.PAID: {OrderStatus.PREPARING, OrderStatus.CANCELLED},
    OrderStatus.PREPARING: {OrderStatus.SHIPPED, OrderStatus.CANCELLED},
    OrderStatus.SHIPPED: {OrderStatus.DELIVERED, OrderStatus.RETURNED},
    OrderStatus.DELIVERED: {OrderStatus.RETURNED},
    OrderStatus.CANCELLED: set(),
    OrderStatus.RETURNED: set(),
}


class Order(UUIDModel):
    idempotency_key = models.CharField(verbose_name="clé d'idempotence", max_length=100, unique=True)
    request_fingerprint = models.CharField(verbose_name="empreinte de la demande", max_length=64, blank=True,
                                           help_text="empreinte de la demande : sa clé rejouée avec un autre contenu est refusée")
    customer_id = models.UUIDField(verbose_name="client en ligne", null=True, blank=True, db_index=True)
    client_id = models.UUIDField(verbose_name="client", db_index=True)
    cart_id = models.UUIDField(verbose_name="panier", null=True, blank=True)
    channel = models.CharField(verbose_name="canal", max_length=4, default="web")
    status = models.CharField(verbose_name="état", max_length=10, choices=OrderStatus.choices, default=OrderStatus.PLACED)
    subtotal = models.DecimalField(verbose_name="sous-total", max_digits=14, decimal_places=2)
    shipping_fee = models.DecimalField(verbose_name="frais de port", max_digits=10, decimal_places=2, default=0)
    total = models.DecimalField(verbose_name="total TTC", max_digits=14, decimal_places=2, help_text="TVA comprise")
    vat_breakdown = models.JSONField(verbose_name="ventilation de la TVA", default=dict)
    coupon = models.CharField(verbose_name="coupon", max_length=40, blank=True)
    loyalty_points = models.PositiveIntegerField(verbose_name="points de fidélité utilisés", default=0)
    loyalty_discount = models.DecimalField(verbose_name="remise fidélité", max_digits=12, decimal_places=2, default=0,
                                           help_text="TVA comprise, répartie sur les lignes au prorata")
    payment_id = models.UUIDField(verbose_name="paiement", null=True, blank=True)
    invoice_number = models.CharField(verbose_name="n° de facture", max_length=20, blank=True)
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)

    class Meta:
        verbose_name = "commande"
        verbose_name_plural = "commandes"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(total=models.F("subtotal") + models.F("shipping_fee")), name="commercial_order_total"),
            models.CheckConstraint(condition=Q(total__gte=0), name="commercial_order_total_positive"),
            models.CheckConstraint(condition=Q(loyalty_discount__gte=0), name="commercial_order_loyalty_discount_positive"),
        ]


class OrderLine(models.Model):
    class Meta:
        verbose_name = "ligne de commande"
        verbose_name_plural = "lignes de commande"

    order = models.ForeignKey(Order, verbose_name="commande", on_delete=models.CASCADE, related_name="lines")
    variant_id = models.UUIDField(verbose_name="variante")
    label = models.CharField(verbose_name="libellé", max_length=300)
    quantity = models.PositiveIntegerField(verbose_name="quantité")
    unit_price = models.DecimalField(verbose_name="prix unitaire TTC", max_digits=12, decimal_places=2, help_text="TVA comprise")
    discount = models.DecimalField(verbose_name="remise", max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField(verbose_name="total TTC", max_digits=14, decimal_places=2)
    vat_rate = models.DecimalField(verbose_name="taux de TVA", max_digits=5, decimal_places=2)


class OrderStatusChange(models.Model):
    order = models.ForeignKey(Order, verbose_name="commande", on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(verbose_name="état précédent", max_length=10, blank=True)
    to_status = models.CharField(verbose_name="nouvel état", max_length=10)
    note = models.CharField(verbose_name="note", max_length=200, blank=True)
    at = models.DateTimeField(verbose_name="date", auto_now_add=True)

    class Meta:
        verbose_name = "changement d'état"
        verbose_name_plural = "historique des états"
        ordering = ["order", "at", "id"]


class SalesAgent(models.Model):
    """An "apporteur d'affaires": brings clients, earns commissions."""
    class Meta:
        verbose_name = "apporteur"
        verbose_name_plural = "apporteurs"


    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(verbose_name="nom", max_length=120)
    email = models.EmailField(verbose_name="e-mail", blank=True)
    is_active = models.BooleanField(verbose_name="actif", default=True)

    def __str__(self):
        return self.name


class ScaleKind(models.TextChoices):
    PROGRESSIVE = "progressive", "Progressif (chaque tranche à son taux)"
    SLAB = "slab", "Par palier (le taux du palier atteint)"


class ScaleBasis(models.TextChoices):
    INVOICED = "invoiced", "Sur le facturé"
    COLLECTED = "collected", "Sur l'encaissé"


class CommissionScale(models.Model):
    """A "barème": tiers of the agent's monthly volume (excl. VAT) and their rates."""
    class Meta:
        verbose_name = "barème de commission"
        verbose_name_plural = "barèmes de commission"


    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(verbose_name="nom", max_length=100)
    kind = models.CharField(verbose_name="type", max_length=12, choices=ScaleKind.choices)
    basis = models.CharField(verbose_name="assiette", max_length=10, choices=ScaleBasis.choices, default=ScaleBasis.COLLECTED)
    category_id = models.UUIDField(verbose_name="catégorie", null=True, blank=True, help_text="seulement les ventes de cette catégorie (et de ses sous-catégories)")

    def __str__(self):
        return self.name


class CommissionTier(models.Model):
    scale = models.ForeignKey(CommissionScale, verbose_name="barème", on_delete=models.CASCADE, related_name="tiers")
    threshold = models.DecimalField(verbose_name="seuil", max_digits=14, decimal_places=2, help_text="volume mensuel à partir duquel le taux s'applique")
    rate = models.DecimalField(verbose_name="taux", max_digits=5, decimal_places=2, help_text="pourcentage")

    class Meta:
        verbose_name = "tranche"
        verbose_name_plural = "tranches"
        ordering = ["scale", "threshold"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "threshold"], name="commercial_tier_unique"),
            models.CheckConstraint(condition=Q(rate__gte=0) & Q(rate__lte=100), name="commercial_tier_rate"),
            models.CheckConstraint(condition=Q(threshold__gte=0), name="commercial_tier_threshold"),
        ]


class AgentAssignment(models.Model):
    """The agent who brought a client, paid on that client's sales with a scale."""
    class Meta:
        verbose_name = "affectation"
        verbose_name_plural = "affectations"


    agent = models.ForeignKey(SalesAgent, verbose_name="apporteur", on_delete=models.PROTECT, related_name="assignments")
    client_id = models.UUIDField(verbose_name="client", unique=True)
    scale = models.ForeignKey(CommissionScale, verbose_name="barème", on_delete=models.PROTECT, related_name="assignments")


class Commission(UUIDModel):
    """One commission line: earned on a payment (or an invoice), reversed on a credit note."""

    agent = models.ForeignKey(SalesAgent, verbose_name="apporteur", on_delete=models.PROTECT, related_name="commissions")
    client_id = models.UUIDField(verbose_name="client")
    source = models.CharField(verbose_name="source", max_length=20)  # payment, invoice, credit_note
    source_id = models.UUIDField(verbose_name="source")
    invoice_id = models.UUIDField(verbose_name="facture", null=True, blank=True, db_index=True)
    base = models.DecimalField(verbose_name="base", max_digits=14, decimal_places=2)
    amount = models.DecimalField(verbose_name="montant", max_digits=14, decimal_places=2)
    period = models.CharField(verbose_name="période", max_length=7)
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)

    class Meta:
        verbose_name = "commission"
        verbose_name_plural = "commissions"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["agent", "source", "source_id", "invoice_id"], name="commercial_commission_once")]


class CommissionStatement(UUIDModel):
    agent = models.ForeignKey(SalesAgent, verbose_name="apporteur", on_delete=models.PROTECT, related_name="statements")
    period = models.CharField(verbose_name="période", max_length=7)
    total = models.DecimalField(verbose_name="total TTC", max_digits=14, decimal_places=2)
    lines = models.PositiveIntegerField(verbose_name="lignes")
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)

    class Meta:
        verbose_name = "relevé de commissions"
        verbose_name_plural = "relevés de commissions"
        constraints = [models.UniqueConstraint(fields=["agent", "period"], name="commercial_one_statement_per_month")]


class ContractStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SIGNED = "signed", "Signé"
    TERMINATED = "terminated", "Résilié"


class Recurrence(models.TextChoices):
    MONTHLY = "monthly", "Mensuelle"
    QUARTERLY = "quarterly", "Trimestrielle"
    YEARLY = "yearly", "Annuelle"


class Contract(UUIDModel):
    client_id = models.UUIDField(verbose_name="client", db_index=True)
    agent = models.ForeignKey(SalesAgent, verbose_name="apporteur", null=True, blank=True, on_delete=models.PROTECT, related_name="contracts")
    title = models.CharField(verbose_name="intitulé", max_length=200)
    status = models.CharField(verbose_name="état", max_length=10, choices=ContractStatus.choices, default=ContractStatus.DRAFT)
    start_date = models.DateField(verbose_name="date de début")
    end_date = models.DateField(verbose_name="date de fin")
    recurrence = models.CharField(verbose_name="périodicité", max_length=10, choices=Recurrence.choices, default=Recurrence.MONTHLY)
    tacit_renewal = models.BooleanField(verbose_name="reconduction tacite", default=True, help_text="renouvelé pour la même durée sauf résiliation")
    signed_at = models.DateTimeField(verbose_name="signé le", null=True, blank=True)
    signed_by = models.CharField(verbose_name="signé par", max_length=200, blank=True)
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)

    class Meta:
        verbose_name = "contrat"
        verbose_name_plural = "contrats"
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="commercial_contract_dates")]

    def __str__(self):
        return self.title


class ContractLine(models.Model):
    contract = models.ForeignKey(Contract, verbose_name="contrat", on_delete=models.CASCADE, related_name="lines")
    label = models.CharField(verbose_name="libellé", max_length=300)
    quantity = models.DecimalField(verbose_name="quantité", max_digits=10, decimal_places=3)
    unit_price_net = models.DecimalField(verbose_name="prix unitaire HT", max_digits=12, decimal_places=4, help_text="par période, HT")
    vat_rate = models.DecimalField(verbose_name="taux de TVA", max_digits=5, decimal_places=2, default=20)

    class Meta:
        verbose_name = "ligne de contrat"
        verbose_name_plural = "lignes de contrat"
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0) & Q(unit_price_net__gte=0), name="commercial_contract_line_values")]


class OrderReturn(models.Model):
    """A return of some of an order's lines: stock back, a credit note, a refund."""
    class Meta:
        verbose_name = "retour"
        verbose_name_plural = "retours"


    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, verbose_name="commande", on_delete=models.PROTECT, related_name="returns")
    lines = models.JSONField(verbose_name="lignes", help_text='[{"variant_id", "quantity"}]')
    amount = models.DecimalField(verbose_name="montant", max_digits=14, decimal_places=2)
    reason = models.CharField(verbose_name="motif", max_length=200, blank=True)
    credit_note_number = models.CharField(verbose_name="n° d'avoir", max_length=20, blank=True)
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)


# The WooCommerce channel's models live beside its code (same app: commercial).
from contexts.commercial.channels.woocommerce.models import LinkKind, SyncStatus, WooConnection, WooLink, WooSyncRun  # noqa: E402,F401
