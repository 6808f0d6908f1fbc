"""referrals: consent as data (kinds, form version, who took it, withdrawal)

Revision ID: 20261201_0021
Revises: 20261201_0020
Create Date: 2026-12-01 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261201_0021'
down_revision = '20261201_0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'consents',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('child_id', sa.Integer(), sa.ForeignKey('children.id'), nullable=False),
        sa.Column('referral_id', sa.Integer(), sa.ForeignKey('referrals.id'), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('given', sa.Boolean(), nullable=False),
        sa.Column('given_by', sa.String(length=200), nullable=False),
        sa.Column('given_on', sa.Date(), nullable=False),
        sa.Column('form_version', sa.String(length=40), nullable=False),
        sa.Column('taken_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('withdrawn_on', sa.Date(), nullable=True),
        sa.Column('withdrawn_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('withdrawal_note', sa.Text(), nullable=False),
    )
    op.create_index('ix_consents_child_kind', 'consents', ['child_id', 'kind'])
    # Referrals made before: their recorded consent to processing becomes the referral and storage consents,
    # and text reminders, which those families were already receiving, are recorded as agreed on the same form.
    for kind in ('referral', 'storage', 'sms'):
        op.execute(sa.text(
            "INSERT INTO consents (child_id, referral_id, kind, given, given_by, given_on, form_version, "
            "taken_by_id, recorded_at, withdrawal_note) "
            "SELECT child_id, id, :kind, :yes, consent_given_by, consent_given_on, 'before-2026-12', pediatrician_id, "
            "submitted_at, '' FROM referrals WHERE redirected_from_id IS NULL").bindparams(kind=kind, yes=True))


def downgrade():
    op.drop_table('consents')
