"""Finance: invoices, credit notes, Factur-X, payments (Stripe, transfer, cheque, cash), payment schedules, dunning, platform subscriptions."""
