"""accounts: a second factor (TOTP secret and hashed recovery codes)

Revision ID: 20261201_0016
Revises: 20261201_0015
Create Date: 2026-12-01 18:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261201_0016'
down_revision = '20261201_0015'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (docs/PITFALLS.md #21).
    op.add_column('users', sa.Column('totp_secret', sa.String(length=64), nullable=True))
    op.add_column('users', sa.Column('recovery_codes', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('recovery_codes')
        batch_op.drop_column('totp_secret')
