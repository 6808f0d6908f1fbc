"""referrals: submission key for safe repeats

Revision ID: 20261201_0024
Revises: 20261201_0023
Create Date: 2026-12-01 22:36:52.527173

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261201_0024'
down_revision = '20261201_0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_key', sa.String(length=64), nullable=True))
        batch_op.create_index('uq_referrals_submission_key', ['submission_key'], unique=True)



def downgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index('uq_referrals_submission_key')
        batch_op.drop_column('submission_key')

