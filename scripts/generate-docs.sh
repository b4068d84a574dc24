#!/usr/bin/env bash
# Regenerates the Registry documentation in docs/ from templates/, examples/
# and the provider's schema, then validates it. Run from anywhere; `make
# generate` calls it.
#
# It never downloads anything. tfplugindocs, left to itself, builds the
# provider and fetches a Terraform CLI from releases.hashicorp.com when none
# is on PATH. Instead this script asks the local Terraform for the schema and
# hands tfplugindocs the JSON with --providers-schema, which makes it skip
# both the build and the Terraform lookup. The local Terraform is $TERRAFORM,
# else $TF_ACC_TERRAFORM_PATH (as the tests use), else terraform on PATH,
# else /usr/local/bin/terraform.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

export CHECKPOINT_DISABLE=1

terraform="${TERRAFORM:-${TF_ACC_TERRAFORM_PATH:-$(command -v terraform || echo /usr/local/bin/terraform)}}"
if [[ ! -x "$terraform" ]]; then
  echo "generate-docs: no Terraform CLI at $terraform; install Terraform >= 1.10 on PATH or set TF_ACC_TERRAFORM_PATH (or TERRAFORM) to its path." >&2
  exit 1
fi

tfplugindocs() {
  go tool -modfile=tools/go.mod tfplugindocs "$@"
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# An empty CLI configuration, so a developer's dev_overrides, plugin cache or
# network mirror cannot change which provider binary answers.
: >"$work/terraformrc"
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export TF_IN_AUTOMATION=1

echo "==> terraform fmt -recursive examples"
"$terraform" fmt -recursive examples

echo "==> Building the provider"
# The provider is installed under the hashicorp namespace in a throwaway
# plugin directory only because that is the address tfplugindocs looks the
# schema up by; the real address (paytoken/paytoken) plays no part here.
goos="$(go env GOOS)"
goarch="$(go env GOARCH)"
plugin_dir="$work/plugins"
go build -o "$plugin_dir/registry.terraform.io/hashicorp/paytoken/0.0.1/${goos}_${goarch}/terraform-provider-paytoken_v0.0.1" .

echo "==> Reading the provider schema with $terraform"
mkdir -p "$work/module"
cat >"$work/module/main.tf" <<'EOF'
terraform {
  required_providers {
    paytoken = {
      source = "hashicorp/paytoken"
    }
  }
}
EOF
"$terraform" -chdir="$work/module" init -input=false -backend=false -plugin-dir="$plugin_dir" >"$work/init.log" 2>&1 || {
  cat "$work/init.log" >&2
  exit 1
}
"$terraform" -chdir="$work/module" providers schema -json >"$work/schema.json"

echo "==> tfplugindocs generate"
tfplugindocs generate \
  --provider-dir "$root" \
  --provider-name paytoken \
  --rendered-provider-name paytoken \
  --providers-schema "$work/schema.json"

echo "==> tfplugindocs validate"
tfplugindocs validate \
  --provider-dir "$root" \
  --provider-name paytoken \
  --providers-schema "$work/schema.json"
