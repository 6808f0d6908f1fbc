"""referrals: break-the-glass access to a case outside one's team, for the day

Revision ID: 20261201_0018
Revises: 20261201_0017
Create Date: 2026-12-01 20:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261201_0018'
down_revision = '20261201_0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'case_accesses',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('referral_id', sa.Integer(), sa.ForeignKey('referrals.id'), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_case_accesses_referral_id', 'case_accesses', ['referral_id'])
    op.create_index('ix_case_accesses_user_referral', 'case_accesses', ['user_id', 'referral_id', 'expires_at'])


def downgrade():
    op.drop_table('case_accesses')
