"""referrals: the day a child's records were anonymised by the retention job

Revision ID: 20261201_0020
Revises: 20261201_0019
Create Date: 2026-12-01 20:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261201_0020'
down_revision = '20261201_0019'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('children', sa.Column('anonymised_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.drop_column('anonymised_on')
