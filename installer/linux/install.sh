#!/usr/bin/env bash
# One command turns a Debian 12 / Ubuntu PC into a locked-down village legal-service terminal:
# the user `kiosk` logged in automatically on tty1, the kiosk app alone in the cage compositor,
# restarted by systemd if it crashes or hangs, no way out to a desktop or shell.
#
#   sudo installer/linux/install.sh --server https://fw.example.gov.cn --code 123456
#
# Without --server/--code it asks for them. DESTDIR=/some/dir installs into a staging tree
# instead (no packages, no user, no systemctl): what the tests and image builders use.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DESTDIR="${DESTDIR:-}"
PREFIX=/opt/legal-kiosk
STATE_DIR=/var/lib/legal-kiosk
KIOSK_USER=kiosk
UNIT_DIR=/etc/systemd/system
BUNDLE=""
SERVER=""
CODE=""
LINK=""
NAME=""
REGISTER=1
PACKAGES=1
START=0
# Debian packages the bundle needs from the system (Qt, fonts and libraries are in the bundle).
DEBIAN_PACKAGES=(cage xwayland fonts-noto-cjk libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3
    libpulse0 libportaudio2 pulseaudio pulseaudio-utils espeak-ng libzinnia0 tegaki-zinnia-simplified-chinese)

usage() {
    cat <<EOF
Usage: $0 [--bundle DIR] [--server URL --code CODE | --link LINK] [--name NAME]
          [--no-register] [--no-packages] [--start]

  --bundle DIR    the kiosk bundle folder (default: dist/kiosk of this source tree, or ./kiosk
                  next to this script in a release archive)
  --server URL    the county's pool server, e.g. https://fw.example.gov.cn
  --code CODE     the one-time enrolment code from the console
  --link LINK     the enrolment QR code's text instead of --server/--code
  --name NAME     a name for this terminal (default: the computer's name)
  --no-register   install only; the kiosk shows its first-run registration screen
  --no-packages   do not apt-get install the system packages
  --start         start the kiosk now instead of asking for a reboot
EOF
}

step() { printf '== %s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --bundle) BUNDLE="$2"; shift 2 ;;
        --server) SERVER="$2"; shift 2 ;;
        --code) CODE="$2"; shift 2 ;;
        --link) LINK="$2"; shift 2 ;;
        --name) NAME="$2"; shift 2 ;;
        --no-register) REGISTER=0; shift ;;
        --no-packages) PACKAGES=0; shift ;;
        --start) START=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option $1" ;;
    esac
done

if [ -z "$BUNDLE" ]; then
    for candidate in "$HERE/kiosk" "$HERE/../../dist/kiosk"; do
        if [ -x "$candidate/kiosk-register" ]; then BUNDLE="$candidate"; break; fi
    done
fi
if [ -z "$BUNDLE" ] || [ ! -x "$BUNDLE/kiosk-register" ]; then
    die "no kiosk bundle found: run 'make bundle' or pass --bundle DIR"
fi
BUNDLE="$(cd "$BUNDLE" && pwd)"
VERSION="$(head -n1 "$BUNDLE/_internal/VERSION" 2>/dev/null || echo 0.0.0)"
[[ "$VERSION" =~ ^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$ ]] || die "bad bundle version '$VERSION'"
if [ -z "$DESTDIR" ] && [ "$(id -u)" -ne 0 ]; then
    die "run as root (sudo $0 ...)"
fi

# Ask for what registration needs before copying anything, so a technician answers once.
if [ "$REGISTER" = 1 ] && [ -z "$LINK" ]; then
    if [ -z "$SERVER" ]; then read -r -p "服务器地址（例如 https://fw.example.gov.cn）：" SERVER; fi
    if [ -z "$CODE" ]; then read -r -p "登记码：" CODE; fi
    if [ -z "$SERVER" ] || [ -z "$CODE" ]; then
        die "server address and enrolment code are needed (or --no-register)"
    fi
fi

if [ -z "$DESTDIR" ] && [ "$PACKAGES" = 1 ] && command -v apt-get >/dev/null; then
    step "installing system packages: ${DEBIAN_PACKAGES[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${DEBIAN_PACKAGES[@]}"
fi

step "user $KIOSK_USER (no password, no shell)"
if [ -z "$DESTDIR" ]; then
    if ! id "$KIOSK_USER" >/dev/null 2>&1; then
        useradd --create-home --shell /usr/sbin/nologin --comment "Village legal kiosk" "$KIOSK_USER"
    fi
    passwd --lock "$KIOSK_USER" >/dev/null
    for group in video render input audio; do
        if getent group "$group" >/dev/null; then usermod -aG "$group" "$KIOSK_USER"; fi
    done
fi

step "application $VERSION -> $PREFIX/versions/$VERSION"
root="$DESTDIR$PREFIX"
mkdir -p "$root/versions"
if [ ! -d "$root/versions/$VERSION" ]; then
    rm -rf "$root/versions/.$VERSION.tmp"
    cp -a "$BUNDLE" "$root/versions/.$VERSION.tmp"
    mv -T "$root/versions/.$VERSION.tmp" "$root/versions/$VERSION"
fi
ln -sfn "versions/$VERSION" "$root/.current.tmp"
mv -T "$root/.current.tmp" "$root/current"     # atomic switch, as kiosk-update does
ln -sfn current "$root/kiosk"                  # the units run $PREFIX/kiosk/kiosk
if [ -z "$DESTDIR" ]; then chown -R root:root "$root"; fi
chmod -R go-w "$root"

step "systemd units, logind and PAM settings"
install -D -m 0644 "$HERE/legal-kiosk-session.service" "$DESTDIR$UNIT_DIR/legal-kiosk-session.service"
install -D -m 0644 "$HERE/legal-kiosk-update.service" "$DESTDIR$UNIT_DIR/legal-kiosk-update.service"
install -D -m 0644 "$HERE/legal-kiosk-update.timer" "$DESTDIR$UNIT_DIR/legal-kiosk-update.timer"
install -D -m 0644 "$HERE/logind-legal-kiosk.conf" "$DESTDIR/etc/systemd/logind.conf.d/50-legal-kiosk.conf"
install -D -m 0644 "$HERE/pam-legal-kiosk" "$DESTDIR/etc/pam.d/legal-kiosk"
systemd_version="$(systemctl --version 2>/dev/null | awk 'NR==1 {print $2}')"
if [ "${systemd_version:-0}" -ge 254 ] 2>/dev/null; then
    install -D -m 0644 "$HERE/restart-backoff.conf" \
        "$DESTDIR$UNIT_DIR/legal-kiosk-session.service.d/restart-backoff.conf"
fi
# Ctrl+Alt+Del from a keyboard must not reboot the terminal: mask its target (what systemctl mask does).
mkdir -p "$DESTDIR$UNIT_DIR"
ln -sfn /dev/null "$DESTDIR$UNIT_DIR/ctrl-alt-del.target"
# Remember what uninstall.sh must restore.
if [ -z "$DESTDIR" ]; then
    systemctl get-default >"$root/previous-default-target" 2>/dev/null || true
fi

step "terminal state in $STATE_DIR (0700, owner $KIOSK_USER)"
install -d -m 0700 "$DESTDIR$STATE_DIR"
config="$STATE_DIR/kiosk.toml"
if [ ! -e "$DESTDIR$config" ]; then
    (umask 077; echo "# Village terminal settings: written by registration, changed from the console." >"$DESTDIR$config")
fi
if [ -z "$DESTDIR" ]; then chown -R "$KIOSK_USER:$KIOSK_USER" "$STATE_DIR"; fi

if [ "$REGISTER" = 1 ]; then
    step "registering this terminal with the server"
    register=("$root/kiosk/kiosk-register" --config "$DESTDIR$config")
    if [ -n "$LINK" ]; then register+=(--link "$LINK"); else register+=(--server "$SERVER" --code "$CODE"); fi
    if [ -n "$NAME" ]; then register+=(--name "$NAME"); fi
    if [ -z "$DESTDIR" ]; then
        # As the kiosk user, so the settings file with the token stays its own (0600).
        runuser -u "$KIOSK_USER" -- "${register[@]}" || die "registration failed (see the message above); run again with a new code, or use --no-register"
    else
        "${register[@]}" || die "registration failed (see the message above)"
    fi
fi

if [ -z "$DESTDIR" ]; then
    step "enabling the kiosk session"
    systemctl daemon-reload
    systemctl set-default graphical.target
    systemctl disable getty@tty1.service 2>/dev/null || true
    systemctl enable legal-kiosk-session.service legal-kiosk-update.timer
    if [ "$START" = 1 ]; then
        systemctl restart systemd-logind.service
        systemctl start legal-kiosk-session.service legal-kiosk-update.timer
        step "done: the kiosk is running on tty1"
    else
        step "done: reboot to start the kiosk (sudo reboot)"
    fi
else
    step "done: staged in $DESTDIR"
fi
