"""Paper claims, one module per section; importing a module registers its claims."""
