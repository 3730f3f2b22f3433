"""JSON shapes of the API and of live events (marshmallow), one module per domain.

They sit below the adapters because both the JSON API and the live event payloads use them:
`post.created` carries a post exactly as GET /threads/{id}/posts returns it.
"""
