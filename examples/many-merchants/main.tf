# Many merchants in one configuration. Terraform does not let a provider
# block take for_each, so instead of one provider alias per merchant, one
# provider configuration serves them all and each token carries its
# merchant's own credentials. (OpenTofu can also for_each over provider
# configurations; either way works with this provider.)

terraform {
  required_version = ">= 1.10"

  required_providers {
    paytoken = {
      source = "paytoken/paytoken"
    }
  }
}

# Hosts, request_timeout and max_retries stay provider settings, shared by
# every merchant.
provider "paytoken" {
  sipay = {
    sandbox = true
  }
}

# The merchants, as your platform knows them: nothing secret here, so this
# may come from a file, a data source or another module's output.
variable "merchants" {
  description = "Merchants by a name of your choice: each one's Sipay app_id and an endpoint of your own that takes its token."
  type = map(object({
    app_id    = string
    token_url = string
  }))
}

# Each merchant's app_secret, by the same names. An ephemeral variable never
# reaches a plan or state file; set it where Terraform runs, for example
# TF_VAR_app_secrets='{"acme":"..."}' from your CI system's secret store.
variable "app_secrets" {
  description = "Each merchant's Sipay app_secret, by merchant name."
  type        = map(string)
  sensitive   = true
  ephemeral   = true
}

# One token per merchant. Tokens with the same credentials share one
# gateway call; two merchants never share a token. Every gateway's block
# takes its merchant's credentials the same way: vepara, qnbpay and paybull
# app_id and app_secret; tahsilat secret_key and public_key; iyzico and
# hepsipay api_key and secret_key; paynkolay username, password and
# merchant_no.
ephemeral "paytoken_token" "merchant" {
  for_each = var.merchants

  gateway = "sipay"
  sipay = {
    app_id     = each.value.app_id
    app_secret = var.app_secrets[each.key]
  }
}

# Each merchant's token goes to that merchant's endpoint. Provisioners may use
# ephemeral values; the token travels in an environment variable and on
# standard input, never on a command line. The resource is replaced on every
# run (plantimestamp changes), so each apply hands over the token it fetched.
resource "terraform_data" "hand_over" {
  for_each = var.merchants

  triggers_replace = plantimestamp()

  provisioner "local-exec" {
    command = "printf '%s' \"$ACCESS_TOKEN\" | curl --fail --silent --show-error -X PUT --data-binary @- \"$TARGET_URL\""

    environment = {
      ACCESS_TOKEN = ephemeral.paytoken_token.merchant[each.key].access_token
      TARGET_URL   = each.value.token_url
    }
  }
}
