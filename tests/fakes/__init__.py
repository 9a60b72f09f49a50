"""Shared test doubles, imported by unit, integration and end-to-end tests alike.

- ``fake_slack``: a stdlib fake of Slack's Web API and response_urls on a free loopback port
- ``fake_socket``: a fake of Slack's Socket Mode WebSocket
- ``slow_store``: a state store that answers slowly or fails, and ``errcode serve`` on one
- ``payloads``: Slack request bodies built from the captured shapes in ``tests/fixtures/events``
- ``running_app``: errcode's Bolt app on its own loop, dispatched in process
- ``slack_checks``: what Slack would do with a message: pings, Block Kit limits
"""
