# A module that opens many merchants' tokens, called from a root module
# that hands each token to that merchant's endpoint.

terraform {
  required_version = ">= 1.10"

  required_providers {
    paytoken = {
      source = "paytoken/paytoken"
    }
  }
}

# Hosts, request_timeout and max_retries stay provider settings, shared by
# every merchant; the module uses this configuration.
provider "paytoken" {
  sipay = {
    sandbox = true
  }
}

variable "merchants" {
  description = "Merchants by a name of your choice: each one's Sipay app_id and an endpoint of your own that takes its token. May be empty."
  type = map(object({
    app_id    = string
    token_url = string
  }))
}

variable "app_secrets" {
  description = "Each merchant's Sipay app_secret, by merchant name, e.g. from TF_VAR_app_secrets."
  type        = map(string)
  sensitive   = true
  ephemeral   = true
}

variable "hand_over" {
  description = "false skips the module and the hand-over altogether, e.g. in a workspace without payments."
  type        = bool
  default     = true
}

# On Terraform 1.10.x and 1.11.0 to 1.11.2, a module call with no instances
# fails at apply when the module holds an ephemeral resource
# (hashicorp/terraform#36719): there, drop count and pass an empty map,
# merchants = var.hand_over ? var.merchants : {}.
module "merchant_tokens" {
  source = "./modules/merchant-tokens"
  count  = var.hand_over ? 1 : 0

  # Extra attributes (token_url) are dropped on the way in.
  merchants   = var.merchants
  app_secrets = var.app_secrets
}

# Each merchant's token goes to that merchant's endpoint, through the
# module's ephemeral output. for_each takes the ordinary merchants map, as
# the module does; the token travels in an environment variable and on
# standard input, never on a command line.
resource "terraform_data" "hand_over" {
  for_each = var.hand_over ? var.merchants : {}

  triggers_replace = plantimestamp()

  provisioner "local-exec" {
    command = "printf '%s' \"$ACCESS_TOKEN\" | curl --fail --silent --show-error -X PUT --data-binary @- \"$TARGET_URL\""

    environment = {
      ACCESS_TOKEN = module.merchant_tokens[0].tokens[each.key].access_token
      TARGET_URL   = each.value.token_url
    }
  }
}
