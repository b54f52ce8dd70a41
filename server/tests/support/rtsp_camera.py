#!/usr/bin/python3
"""A real RTSP camera for Pantau's tests: GStreamer's own RTSP server streaming a test picture as H.264.

Usage: rtsp_camera.py PORT [USER PASSWORD]
Serves rtsp://127.0.0.1:PORT/cam. With USER and PASSWORD, the stream needs Basic authentication.
Prints "ready" on stdout once it listens. Runs until killed.
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

Gst.init(None)
port = sys.argv[1]
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(port)

factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(
    "( videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=10/1 "
    "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=10 "
    "! rtph264pay name=pay0 pt=96 config-interval=1 )"
)
factory.set_shared(True)

if len(sys.argv) >= 4:
    user, password = sys.argv[2], sys.argv[3]
    auth = GstRtspServer.RTSPAuth()
    token = GstRtspServer.RTSPToken()
    token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "camera-user")
    auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
    server.set_auth(auth)
    permissions = GstRtspServer.RTSPPermissions()
    permissions.add_permission_for_role("camera-user", "media.factory.access", True)
    permissions.add_permission_for_role("camera-user", "media.factory.construct", True)
    factory.set_permissions(permissions)

server.get_mount_points().add_factory("/cam", factory)
if server.attach(None) == 0:
    print(f"cannot listen on port {port}", file=sys.stderr)
    sys.exit(1)
print("ready", flush=True)
GLib.MainLoop().run()
