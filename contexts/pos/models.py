"""Point of sale data. Other contexts are referenced by UUID (catalog variants, inventory
locations, core clients) or by user id (core staff), never by foreign key.

Tickets, their lines and tenders, journal entries and closings are written once: PostgreSQL
triggers refuse any UPDATE or DELETE (migration 0002), as for finance's issued invoices."""
import uuid

from django.db import models
from django.db.models import Q


class TenderMethod(models.TextChoices):
    CASH = "cash", "Espèces"
    CARD = "card", "Carte bancaire"
    CHEQUE = "cheque", "Chèque"
    VOUCHER = "voucher", "Bon d'achat"
    STORE_CREDIT = "store_credit", "Avoir"


class Shop(models.Model):
    """What a receipt prints about the establishment of an inventory location (a shop)."""

    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    location_id = models.UUIDField(verbose_name="emplacement (inventaire)", unique=True)
    name = models.CharField(verbose_name="enseigne", max_length=120, blank=True)
    siret = models.CharField(verbose_name="SIRET", max_length=14, blank=True)
    address_line = models.CharField(verbose_name="adresse", max_length=200, blank=True)
    postal_code = models.CharField(verbose_name="code postal", max_length=10, blank=True)
    city = models.CharField(verbose_name="ville", max_length=100, blank=True)
    receipt_footer = models.CharField(verbose_name="pied de ticket", max_length=200, blank=True)

    class Meta:
        verbose_name = "boutique"
        verbose_name_plural = "boutiques"
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(siret="") | Q(siret__regex=r"^\d{14}$"), name="pos_shop_siret_14_digits")]

    def __str__(self):
        return self.name or str(self.location_id)


class PosSettings(models.Model):
    """The tenant's till settings (one row)."""

    id = models.PositiveSmallIntegerField(verbose_name="identifiant", primary_key=True, default=1, editable=False)
    discount_approval_percent = models.DecimalField(
        verbose_name="remise soumise à un responsable au-delà de (%)", max_digits=5, decimal_places=2, default=10)

    class Meta:
        verbose_name = "réglages de caisse"
        verbose_name_plural = "réglages de caisse"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="pos_settings_single_row"),
            models.CheckConstraint(condition=Q(discount_approval_percent__gte=0, discount_approval_percent__lte=100),
                                   name="pos_settings_percent_range"),
        ]

    def __str__(self):
        return "Réglages de caisse"


class Register(models.Model):
    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(verbose_name="code", max_length=30, unique=True)
    name = models.CharField(verbose_name="nom", max_length=120)
    location_id = models.UUIDField(verbose_name="emplacement (inventaire)", db_index=True)
    is_active = models.BooleanField(verbose_name="active", default=True)
    last_number = models.PositiveIntegerField(
        verbose_name="dernier numéro de ticket", default=0, editable=False,
        help_text="compteur sans trou, incrémenté sous verrou de ligne dans la transaction du ticket")
    created_at = models.DateTimeField(verbose_name="créée le", auto_now_add=True)

    class Meta:
        verbose_name = "caisse"
        verbose_name_plural = "caisses"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class SessionStatus(models.TextChoices):
    OPEN = "open", "Ouverte"
    CLOSED = "closed", "Clôturée"


class CashierSession(models.Model):
    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    register = models.ForeignKey(Register, verbose_name="caisse", on_delete=models.PROTECT, related_name="sessions")
    cashier_id = models.BigIntegerField(verbose_name="caissier (utilisateur)")
    opening_float = models.DecimalField(verbose_name="fond de caisse", max_digits=12, decimal_places=2)
    status = models.CharField(verbose_name="état", max_length=10, choices=SessionStatus.choices, default=SessionStatus.OPEN)
    opened_at = models.DateTimeField(verbose_name="ouverte le")
    closed_at = models.DateTimeField(verbose_name="clôturée le", null=True, blank=True)
    closed_by_id = models.BigIntegerField(verbose_name="clôturée par", null=True, blank=True)

    class Meta:
        verbose_name = "session de caisse"
        verbose_name_plural = "sessions de caisse"
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(fields=["register"], condition=Q(status="open"), name="pos_one_open_session_per_register"),
            models.CheckConstraint(condition=Q(opening_float__gte=0), name="pos_opening_float_not_negative"),
            models.CheckConstraint(condition=Q(status="open", closed_at__isnull=True) | Q(status="closed", closed_at__isnull=False),
                                   name="pos_session_closed_has_date"),
        ]

    def __str__(self):
        return f"{self.register.code} {self.opened_at:%Y-%m-%d %H:%M}"


class TicketKind(models.TextChoices):
    SALE = "sale", "Vente"
    RETURN = "return", "Retour"
    VOID = "void", "Annulation"


class Ticket(models.Model):
    """A completed ticket. Never changed: a return or a void is a new ticket with negative lines."""

    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    uuid = models.UUIDField(verbose_name="UUID client", unique=True, help_text="généré par la caisse : idempotence")
    register = models.ForeignKey(Register, verbose_name="caisse", on_delete=models.PROTECT, related_name="tickets")
    session = models.ForeignKey(CashierSession, verbose_name="session", on_delete=models.PROTECT, related_name="tickets")
    number = models.PositiveIntegerField(verbose_name="numéro")
    kind = models.CharField(verbose_name="type", max_length=10, choices=TicketKind.choices, default=TicketKind.SALE)
    location_id = models.UUIDField(verbose_name="emplacement (inventaire)")
    cashier_id = models.BigIntegerField(verbose_name="caissier")
    customer_id = models.UUIDField(verbose_name="client", null=True, blank=True)
    approved_by_id = models.BigIntegerField(verbose_name="approuvé par (responsable)", null=True, blank=True)
    original_ticket = models.ForeignKey("self", verbose_name="ticket d'origine", on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="returns")
    subtotal = models.DecimalField(verbose_name="sous-total TTC", max_digits=12, decimal_places=2,
                                   help_text="lignes après promotions et remises de ligne")
    ticket_discount = models.DecimalField(verbose_name="remise sur ticket", max_digits=12, decimal_places=2, default=0)
    loyalty_points = models.PositiveIntegerField(verbose_name="points de fidélité utilisés", default=0)
    loyalty_discount = models.DecimalField(verbose_name="dont remise fidélité", max_digits=12, decimal_places=2, default=0,
                                           help_text="la valeur des points utilisés, comprise dans la remise sur ticket")
    total = models.DecimalField(verbose_name="total TTC", max_digits=12, decimal_places=2)
    total_net = models.DecimalField(verbose_name="total HT", max_digits=12, decimal_places=2)
    total_vat = models.DecimalField(verbose_name="TVA", max_digits=12, decimal_places=2)
    change_given = models.DecimalField(verbose_name="monnaie rendue", max_digits=12, decimal_places=2, default=0)
    created_at = models.DateTimeField(verbose_name="date")
    business_date = models.DateField(verbose_name="journée", db_index=True)
    journal_seq = models.PositiveBigIntegerField(verbose_name="entrée du journal", unique=True)

    class Meta:
        verbose_name = "ticket"
        verbose_name_plural = "tickets"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["register", "number"], name="pos_ticket_number_unique_per_register"),
            models.CheckConstraint(condition=Q(total=models.F("total_net") + models.F("total_vat")), name="pos_ticket_net_plus_vat"),
            models.CheckConstraint(condition=Q(change_given__gte=0), name="pos_ticket_change_not_negative"),
            models.CheckConstraint(condition=Q(kind="sale", total__gte=0) | Q(kind__in=["return", "void"], total__lte=0),
                                   name="pos_ticket_sign_by_kind"),
        ]
        indexes = [models.Index(fields=["location_id", "business_date"], name="pos_ticket_shop_day")]

    def __str__(self):
        return f"{self.register.code}-{self.number:06d}"


class TicketLine(models.Model):
    id = models.BigAutoField(verbose_name="identifiant", primary_key=True)
    ticket = models.ForeignKey(Ticket, verbose_name="ticket", on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField(verbose_name="position")
    variant_id = models.UUIDField(verbose_name="variante")
    product_id = models.UUIDField(verbose_name="produit")
    sku = models.CharField(verbose_name="référence", max_length=64)
    name = models.CharField(verbose_name="libellé", max_length=250)
    quantity = models.IntegerField(verbose_name="quantité", help_text="négative sur un retour")
    unit_price = models.DecimalField(verbose_name="prix unitaire TTC", max_digits=12, decimal_places=4)
    promotion_discount = models.DecimalField(verbose_name="promotions", max_digits=12, decimal_places=2, default=0)
    discount = models.DecimalField(verbose_name="remise de ligne", max_digits=12, decimal_places=2, default=0)
    ticket_discount_share = models.DecimalField(verbose_name="part de la remise ticket", max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField(verbose_name="total TTC", max_digits=12, decimal_places=2)
    vat_rate = models.DecimalField(verbose_name="taux de TVA", max_digits=5, decimal_places=2)
    total_net = models.DecimalField(verbose_name="total HT", max_digits=12, decimal_places=2)
    total_vat = models.DecimalField(verbose_name="TVA", max_digits=12, decimal_places=2)
    original_line = models.ForeignKey("self", verbose_name="ligne d'origine", on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="returned_by")

    class Meta:
        verbose_name = "ligne de ticket"
        verbose_name_plural = "lignes de ticket"
        ordering = ["ticket", "position"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "position"], name="pos_line_position_unique"),
            models.CheckConstraint(condition=~Q(quantity=0), name="pos_line_quantity_not_zero"),
            models.CheckConstraint(condition=Q(total=models.F("total_net") + models.F("total_vat")), name="pos_line_net_plus_vat"),
        ]


class Tender(models.Model):
    id = models.BigAutoField(verbose_name="identifiant", primary_key=True)
    ticket = models.ForeignKey(Ticket, verbose_name="ticket", on_delete=models.PROTECT, related_name="tenders")
    position = models.PositiveSmallIntegerField(verbose_name="position")
    method = models.CharField(verbose_name="moyen", max_length=12, choices=TenderMethod.choices)
    amount = models.DecimalField(verbose_name="montant affecté", max_digits=12, decimal_places=2,
                                 help_text="la part du total payée ainsi (négative : remboursement)")
    tendered = models.DecimalField(verbose_name="montant remis", max_digits=12, decimal_places=2,
                                   help_text="ce que le client a donné (espèces : monnaie rendue comprise)")
    reference = models.CharField(verbose_name="référence", max_length=100, blank=True,
                                 help_text="autorisation du terminal, n° de chèque, code du bon")

    class Meta:
        verbose_name = "règlement"
        verbose_name_plural = "règlements"
        ordering = ["ticket", "position"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "position"], name="pos_tender_position_unique"),
            models.CheckConstraint(condition=Q(method__in=[m.value for m in TenderMethod]), name="pos_tender_method_valid"),
            models.CheckConstraint(condition=Q(amount__gte=0, tendered__gte=models.F("amount"))
                                   | Q(amount__lt=0, tendered=models.F("amount")), name="pos_tender_tendered_covers"),
        ]


class StoreCredit(models.Model):
    """A credit note of the till (refund as store credit), spent later as a tender."""

    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(verbose_name="code", max_length=20, unique=True)
    amount = models.DecimalField(verbose_name="montant", max_digits=12, decimal_places=2)
    remaining = models.DecimalField(verbose_name="reste", max_digits=12, decimal_places=2)
    issued_by_ticket = models.ForeignKey(Ticket, verbose_name="émis par", on_delete=models.PROTECT, related_name="store_credits")
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)

    class Meta:
        verbose_name = "avoir"
        verbose_name_plural = "avoirs"
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(remaining__gte=0, remaining__lte=models.F("amount")),
                                              name="pos_store_credit_remaining_range")]


class ManagerPin(models.Model):
    """A manager's PIN for approvals at the till: hashed with Django's password hashers, found by
    a keyed HMAC of the PIN (so two managers cannot share one, and the table alone tells nothing)."""

    user_id = models.BigIntegerField(verbose_name="utilisateur", primary_key=True)
    lookup = models.CharField(verbose_name="empreinte de recherche", max_length=64, unique=True)
    pin_hash = models.CharField(verbose_name="PIN haché", max_length=200)
    updated_at = models.DateTimeField(verbose_name="modifié le", auto_now=True)

    class Meta:
        verbose_name = "PIN responsable"
        verbose_name_plural = "PIN responsables"


class EntryKind(models.TextChoices):
    TICKET = "ticket", "Ticket"
    RETURN = "return", "Retour"
    VOID = "void", "Annulation"
    DUPLICATE = "duplicate", "Duplicata"
    CLOSING = "closing", "Clôture"
    SESSION_OPEN = "session_open", "Ouverture de session"


class JournalEntry(models.Model):
    """The fiscal journal: one chain per tenant. `hash` = SHA-256(previous hash + canonical
    content); `signature` = HMAC-SHA256(per-tenant key, hash). The key is derived from a
    setting, never stored. `content` keeps the exact canonical JSON that was hashed."""

    seq = models.PositiveBigIntegerField(verbose_name="n° d'entrée", primary_key=True)
    kind = models.CharField(verbose_name="type", max_length=14, choices=EntryKind.choices)
    created_at = models.DateTimeField(verbose_name="date")
    register_code = models.CharField(verbose_name="caisse", max_length=30, blank=True)
    location_id = models.UUIDField(verbose_name="emplacement", null=True, blank=True)
    reference = models.CharField(verbose_name="référence", max_length=64, blank=True,
                                 help_text="id du ticket ou de la clôture")
    content = models.TextField(verbose_name="contenu (JSON canonique)")
    previous_hash = models.CharField(verbose_name="empreinte précédente", max_length=64)
    hash = models.CharField(verbose_name="empreinte", max_length=64, unique=True)
    signature = models.CharField(verbose_name="signature", max_length=64)
    key_version = models.PositiveSmallIntegerField(verbose_name="version de clé", default=1)

    class Meta:
        verbose_name = "entrée du journal"
        verbose_name_plural = "journal fiscal"
        ordering = ["seq"]
        indexes = [models.Index(fields=["reference"], name="pos_journal_reference")]

    def __str__(self):
        return f"#{self.seq} {self.kind}"


class JournalHead(models.Model):
    """The end of the chain (one row, locked FOR UPDATE to append): last entry and the
    perpetual grand totals. Not evidence itself: every entry carries the totals it ended with."""

    id = models.PositiveSmallIntegerField(verbose_name="identifiant", primary_key=True, default=1, editable=False)
    last_seq = models.PositiveBigIntegerField(verbose_name="dernière entrée", default=0)
    last_hash = models.CharField(verbose_name="empreinte de la dernière entrée", max_length=64)
    grand_totals = models.JSONField(verbose_name="grands totaux perpétuels", default=dict)

    class Meta:
        verbose_name = "tête du journal"
        verbose_name_plural = "tête du journal"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="pos_journal_head_single_row")]


class ClosingKind(models.TextChoices):
    SESSION = "session", "Z de session"
    DAY = "day", "Clôture journalière"
    MONTH = "month", "Clôture mensuelle"
    YEAR = "year", "Clôture annuelle"


class Closing(models.Model):
    id = models.UUIDField(verbose_name="identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(verbose_name="type", max_length=10, choices=ClosingKind.choices)
    location_id = models.UUIDField(verbose_name="boutique (emplacement)")
    session = models.OneToOneField(CashierSession, verbose_name="session", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="closing")
    register_code = models.CharField(verbose_name="caisse", max_length=30, blank=True)
    period_start = models.DateField(verbose_name="début de période")
    period_end = models.DateField(verbose_name="fin de période")
    totals = models.JSONField(verbose_name="totaux", help_text="tickets, brut, HT et TVA par taux, par moyen de paiement")
    expected = models.JSONField(verbose_name="attendu par moyen", default=dict, blank=True)
    counted = models.JSONField(verbose_name="compté par moyen", default=dict, blank=True)
    difference = models.JSONField(verbose_name="écart par moyen", default=dict, blank=True)
    denominations = models.JSONField(verbose_name="comptage des espèces", default=dict, blank=True)
    grand_totals = models.JSONField(verbose_name="grands totaux perpétuels")
    last_entry_seq = models.PositiveBigIntegerField(verbose_name="dernière entrée couverte")
    last_entry_hash = models.CharField(verbose_name="empreinte de la dernière entrée", max_length=64)
    journal_seq = models.PositiveBigIntegerField(verbose_name="entrée du journal", unique=True)
    automatic = models.BooleanField(verbose_name="automatique", default=False, help_text="clôturée par la tâche de fin de journée")
    closed_by_id = models.BigIntegerField(verbose_name="clôturée par", null=True, blank=True)
    created_at = models.DateTimeField(verbose_name="créée le")

    class Meta:
        verbose_name = "clôture"
        verbose_name_plural = "clôtures"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "location_id", "period_start"], condition=~Q(kind="session"),
                                    name="pos_one_closing_per_shop_period"),
            models.CheckConstraint(condition=Q(kind="session", session__isnull=False) | (~Q(kind="session") & Q(session__isnull=True)),
                                   name="pos_closing_session_iff_z"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="pos_closing_period_order"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period_start}"
