#!/usr/bin/env bash
# make demo: build the provider, serve the gateway emulators on loopback,
# apply examples/quickstart against them with a temporary CLI configuration
# (the user's own is never touched), print each token's expiry and
# capabilities, and show that the state holds none of the issued tokens.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
export CHECKPOINT_DISABLE=1

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mdemo: %s\033[0m\n' "$*" >&2; exit 1; }

command -v go >/dev/null || die "Go is needed: https://go.dev/dl/"
terraform=${TF_ACC_TERRAFORM_PATH:-$(command -v terraform || true)}
[[ -n $terraform ]] || die "Terraform >= 1.10 is needed on PATH (or set TF_ACC_TERRAFORM_PATH)."
tf_version=$("$terraform" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([0-9.]*\).*/\1/p')
IFS=. read -r major minor _ <<<"$tf_version"
if (( major < 1 || (major == 1 && minor < 10) )); then
  die "Terraform $tf_version found at $terraform; ephemeral resources need Terraform >= 1.10."
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/paytoken-demo.XXXXXX")
sandbox_pid=""
stop_sandbox() {
  if [[ -n $sandbox_pid ]] && kill -0 "$sandbox_pid" 2>/dev/null; then
    kill -TERM "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
  fi
  sandbox_pid=""
}
cleanup() {
  stop_sandbox
  if [[ -n ${KEEP:-} ]]; then
    echo "Kept the demo's files in $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "Building the provider and the sandbox (Terraform $tf_version at $terraform)"
mkdir -p "$work/bin"
go build -o "$work/bin/terraform-provider-paytoken" "$root"
go build -o "$work/bin/paytoken-sandbox" "$root/cmd/paytoken-sandbox"

say "Starting the gateway emulators on loopback"
"$work/bin/paytoken-sandbox" -quiet -env-file "$work/sandbox.env" -issued-file "$work/issued.txt" -duration 10m \
  >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 1 100); do
  [[ -f $work/sandbox.env ]] && break
  kill -0 "$sandbox_pid" 2>/dev/null || { cat "$work/sandbox.log" >&2; die "the sandbox did not start"; }
  sleep 0.1
done
[[ -f $work/sandbox.env ]] || die "the sandbox did not write its environment within 10 seconds"
grep 'base_url' "$work/sandbox.log"
# shellcheck disable=SC1091
source "$work/sandbox.env"

# A CLI configuration of the demo's own: dev_overrides points Terraform at the
# provider just built, so no registry is contacted and no init is needed.
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "paytoken/paytoken" = "$work/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"

cp -R "$root/examples/quickstart" "$work/quickstart"
cd "$work/quickstart"

say "terraform apply in examples/quickstart (one token per gateway, plus the token-free data sources)"
"$terraform" apply -auto-approve -input=false

say "Each token's expiry and capabilities (null: the gateway does not say)"
"$terraform" output tokens

stop_sandbox
say "What the state file holds"
issued=$(grep -c . "$work/issued.txt" || true)
(( issued > 0 )) || die "the sandbox recorded no issued token"
found=$(grep -c -F -f "$work/issued.txt" terraform.tfstate || true)
if (( found > 0 )); then
  die "terraform.tfstate holds $found of the $issued tokens the gateways issued"
fi
if grep -q '"access_token"' terraform.tfstate; then
  die "terraform.tfstate has an access_token attribute"
fi
echo "The gateways issued $issued tokens during plan and apply; terraform.tfstate ($(wc -c <terraform.tfstate) bytes) holds none of them and no access_token attribute."
echo "Ephemeral resources are never in state; it holds only the data sources, with their expiry and capabilities:"
"$terraform" state list | sed 's/^/  /'
say "Done. The emulators are stopped; the temporary files are removed (KEEP=1 keeps them)."
