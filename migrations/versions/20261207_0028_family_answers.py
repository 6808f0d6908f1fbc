"""therapy: the family's answer to a session from their own page (confirmed, cancelled by the family)

Revision ID: 20261207_0028
Revises: 20261207_0027
Create Date: 2026-12-07 22:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261207_0028'
down_revision = '20261207_0027'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('therapy_sessions', sa.Column('family_confirmed_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('therapy_sessions', sa.Column('cancelled_by_family', sa.Boolean(), nullable=False,
                                                server_default=sa.text('false')))


def downgrade():
    with op.batch_alter_table('therapy_sessions', schema=None) as batch_op:
        batch_op.drop_column('cancelled_by_family')
        batch_op.drop_column('family_confirmed_at')
