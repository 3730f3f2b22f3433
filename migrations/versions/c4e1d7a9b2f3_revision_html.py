"""revision html: every revision keeps its rendered HTML, made once when it is saved

Revision ID: c4e1d7a9b2f3
Revises: a8dd36ef1b9b
Create Date: 2026-12-03 19:40:00.000000

A revision's page used to render its Markdown on every view. The column is filled here for the
revisions saved before it, with the renderer of this release (app.text; no mentions are linked in
documents). Rows are read in batches by id, so a long history does not have to fit in memory.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e1d7a9b2f3'
down_revision = 'a8dd36ef1b9b'
branch_labels = None
depends_on = None

BATCH = 200


def upgrade():
    with op.batch_alter_table('document_revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('html', sa.Text(), nullable=False, server_default=''))
    _fill_html(op.get_bind())
    with op.batch_alter_table('document_revisions', schema=None) as batch_op:
        batch_op.alter_column('html', server_default=None)


def _fill_html(conn):
    from app.text import MAX_SOURCE, render_markdown

    revisions = sa.table('document_revisions', sa.column('id', sa.Integer), sa.column('body', sa.Text),
                         sa.column('html', sa.Text))
    last = 0
    while True:
        rows = conn.execute(sa.select(revisions.c.id, revisions.c.body).where(revisions.c.id > last)
                            .order_by(revisions.c.id).limit(BATCH)).all()
        if not rows:
            return
        for row_id, body in rows:
            # Bodies were never saved longer than MAX_SOURCE; the slice only keeps the upgrade total.
            html = render_markdown((body or '')[:MAX_SOURCE]).html
            conn.execute(revisions.update().where(revisions.c.id == row_id).values(html=html))
        last = rows[-1][0]


def downgrade():
    with op.batch_alter_table('document_revisions', schema=None) as batch_op:
        batch_op.drop_column('html')
