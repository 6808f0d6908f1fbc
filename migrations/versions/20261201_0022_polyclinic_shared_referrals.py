"""centers: a polyclinic may let its pediatricians see each other's referrals (covering)

Revision ID: 20261201_0022
Revises: 20261201_0021
Create Date: 2026-12-01 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261201_0022'
down_revision = '20261201_0021'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('polyclinics', sa.Column('shared_referrals', sa.Boolean(), nullable=False,
                                           server_default=sa.text('false')))


def downgrade():
    with op.batch_alter_table('polyclinics', schema=None) as batch_op:
        batch_op.drop_column('shared_referrals')
