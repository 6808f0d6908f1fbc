"""accounts: API tokens get a name, a scope (read or write) and an expiry

Revision ID: 20261201_0019
Revises: 20261201_0018
Create Date: 2026-12-01 20:05:00

"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261201_0019'
down_revision = '20261201_0018'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (docs/PITFALLS.md #21).
    op.add_column('api_tokens', sa.Column('name', sa.String(length=80), nullable=False, server_default=''))
    op.add_column('api_tokens', sa.Column('scope', sa.String(length=10), nullable=False, server_default='write'))
    op.add_column('api_tokens', sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
    # Tokens made before expiry existed keep working for the default 90 days from the upgrade, not for ever.
    # Stored as the app stores it (eic.core.timeutil.UTCDateTime): UTC, and without the offset on SQLite.
    until = datetime.now(timezone.utc) + timedelta(days=90)
    if op.get_bind().dialect.name == 'sqlite':
        until = until.replace(tzinfo=None)
    tokens = sa.table('api_tokens', sa.column('expires_at', sa.DateTime(timezone=True)))
    op.execute(tokens.update().where(tokens.c.expires_at.is_(None)).values(expires_at=until))


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
        batch_op.drop_column('scope')
        batch_op.drop_column('name')
