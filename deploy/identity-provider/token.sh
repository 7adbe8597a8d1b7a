#!/bin/sh
# Prints an access token of the local identity provider for one of its users, obtained as the command line client
# (servelink-cli) obtains it: the device authorization grant (RFC 8628). Where a person would open the verification
# page in a browser, sign in and approve the code, this script does the same with curl: the login form (with its
# CSRF token), the verification URI with the user code, and the consent form.
#
#   TOKEN=$(deploy/identity-provider/token.sh demo-owner)
#
# Users: demo-owner, demo-admin, demo-member (team demo), other-member (team other), support-agent, operator.
# Password: the second argument, else $SERVELINK_IDP_DEMO_PASSWORD, else the local stack's servelink-demo.
# Provider: $SERVELINK_IDP (default http://localhost:9000). Needs curl and sed only.
set -eu
username=${1:?"usage: $0 USERNAME [PASSWORD]"}
password=${2:-${SERVELINK_IDP_DEMO_PASSWORD:-servelink-demo}}
idp=${SERVELINK_IDP:-http://localhost:9000}
client=servelink-cli
cookies=$(mktemp)
trap 'rm -f "$cookies"' EXIT

field() { sed -n "s/.*\"$1\" *: *\"\([^\"]*\)\".*/\1/p"; }
fail() { echo "$0: $*" >&2; exit 1; }

# 1. The command line asks for a device code and a user code.
device=$(curl -s -d "client_id=$client" --data-urlencode 'scope=profile email' "$idp/oauth2/device_authorization") \
  || fail "no answer from $idp (is the local stack running?)"
device_code=$(printf '%s' "$device" | field device_code)
user_code=$(printf '%s' "$device" | field user_code)
[ -n "$device_code" ] && [ -n "$user_code" ] || fail "no device code from $idp: $device"

# 2. The user signs in and approves the user code at the verification URI.
csrf=$(curl -s -c "$cookies" -b "$cookies" "$idp/login" | sed -n 's/.*name="_csrf"[^>]*value="\([^"]*\)".*/\1/p')
[ -n "$csrf" ] || fail "no login form at $idp/login"
after_login=$(curl -s -o /dev/null -w '%{redirect_url}' -c "$cookies" -b "$cookies" \
  --data-urlencode "username=$username" --data-urlencode "password=$password" --data-urlencode "_csrf=$csrf" "$idp/login")
case $after_login in *error*) fail "sign-in refused for $username" ;; esac
verification=$(curl -s -w '\n%{redirect_url}' -c "$cookies" -b "$cookies" "$idp/oauth2/device_verification?user_code=$user_code")
state=$(printf '%s' "$verification" | sed -n 's/.*name="state" value="\([^"]*\)".*/\1/p')
if [ -n "$state" ]; then
  # the consent page: grant the scopes the command line asked for
  verification=$(curl -s -o /dev/null -w '%{redirect_url}' -c "$cookies" -b "$cookies" -d "client_id=$client" \
    --data-urlencode "state=$state" --data-urlencode "user_code=$user_code" -d scope=profile -d scope=email \
    "$idp/oauth2/device_verification")
fi
case $verification in *success*) ;; *) fail "the user code was not approved" ;; esac

# 3. The command line redeems its device code for the tokens.
tokens=$(curl -s -d "client_id=$client" -d 'grant_type=urn:ietf:params:oauth:grant-type:device_code' \
  --data-urlencode "device_code=$device_code" "$idp/oauth2/token")
token=$(printf '%s' "$tokens" | field access_token)
[ -n "$token" ] || fail "no access token: $tokens"
printf '%s\n' "$token"
