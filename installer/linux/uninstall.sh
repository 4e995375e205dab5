#!/usr/bin/env bash
# Undo install.sh: stop the kiosk session, remove its units, settings, application, data and user,
# give tty1 back to a login prompt.
#
#   sudo installer/linux/uninstall.sh [--keep-data]
#
# --keep-data keeps /var/lib/legal-kiosk (the registration token, unsent applications).
# DESTDIR=/some/dir removes a staged install made with the same DESTDIR.
set -euo pipefail

DESTDIR="${DESTDIR:-}"
PREFIX=/opt/legal-kiosk
STATE_DIR=/var/lib/legal-kiosk
KIOSK_USER=kiosk
UNIT_DIR=/etc/systemd/system
KEEP_DATA=0

while [ $# -gt 0 ]; do
    case "$1" in
        --keep-data) KEEP_DATA=1; shift ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) printf 'uninstall.sh: unknown option %s\n' "$1" >&2; exit 1 ;;
    esac
done
if [ -z "$DESTDIR" ] && [ "$(id -u)" -ne 0 ]; then
    printf 'uninstall.sh: run as root (sudo %s)\n' "$0" >&2
    exit 1
fi
step() { printf '== %s\n' "$*"; }

if [ -z "$DESTDIR" ]; then
    step "stopping the kiosk session"
    systemctl disable --now legal-kiosk-session.service legal-kiosk-update.timer 2>/dev/null || true
    systemctl stop legal-kiosk-update.service 2>/dev/null || true
fi

step "removing units, logind and PAM settings"
rm -f "$DESTDIR$UNIT_DIR/legal-kiosk-session.service" \
    "$DESTDIR$UNIT_DIR/legal-kiosk-update.service" \
    "$DESTDIR$UNIT_DIR/legal-kiosk-update.timer" \
    "$DESTDIR/etc/systemd/logind.conf.d/50-legal-kiosk.conf" \
    "$DESTDIR/etc/pam.d/legal-kiosk"
rm -rf "$DESTDIR$UNIT_DIR/legal-kiosk-session.service.d"
# Unmask Ctrl+Alt+Del only if it is our mask (a symlink to /dev/null).
if [ "$(readlink "$DESTDIR$UNIT_DIR/ctrl-alt-del.target" 2>/dev/null)" = /dev/null ]; then
    rm -f "$DESTDIR$UNIT_DIR/ctrl-alt-del.target"
fi

previous_target=""
if [ -r "$DESTDIR$PREFIX/previous-default-target" ]; then
    previous_target="$(cat "$DESTDIR$PREFIX/previous-default-target")"
fi
step "removing the application ($PREFIX)"
rm -rf -- "$DESTDIR$PREFIX"

if [ "$KEEP_DATA" = 0 ]; then
    step "removing terminal data ($STATE_DIR)"
    rm -rf "$DESTDIR$STATE_DIR"
fi

if [ -z "$DESTDIR" ]; then
    if id "$KIOSK_USER" >/dev/null 2>&1; then
        step "removing user $KIOSK_USER"
        loginctl terminate-user "$KIOSK_USER" 2>/dev/null || true
        userdel --remove "$KIOSK_USER" 2>/dev/null || userdel "$KIOSK_USER"
    fi
    systemctl daemon-reload
    if [ -n "$previous_target" ]; then systemctl set-default "$previous_target"; fi
    systemctl enable getty@tty1.service 2>/dev/null || true
    step "done: reboot to get the normal login back (sudo reboot)"
else
    step "done: removed from $DESTDIR"
fi
