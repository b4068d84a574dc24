# Opens one Sipay token per merchant and returns them through an ephemeral
# output. The merchants (names and app_id) are an ordinary input, because
# for_each cannot take an ephemeral value; their secrets come separately,
# in an ephemeral input keyed like the merchants.

terraform {
  required_version = ">= 1.10"

  required_providers {
    paytoken = {
      source = "paytoken/paytoken"
    }
  }
}

variable "merchants" {
  description = "Merchants by a name of your choice, each with its Sipay app_id. May be empty."
  type = map(object({
    app_id = string
  }))
}

variable "app_secrets" {
  description = "Each merchant's Sipay app_secret, keyed like merchants."
  type        = map(string)
  sensitive   = true
  ephemeral   = true
  nullable    = false
}

variable "min_valid_for" {
  description = "How long each token must stay valid once handed out, as a Go duration."
  type        = string
  default     = "5m"
}

ephemeral "paytoken_token" "merchant" {
  for_each = var.merchants

  gateway       = "sipay"
  min_valid_for = var.min_valid_for

  sipay = {
    app_id     = each.value.app_id
    app_secret = var.app_secrets[each.key]
  }
}

output "tokens" {
  description = "Each merchant's token, keyed like merchants: access_token, expires_at and the capability flags."
  ephemeral   = true

  # The condition is always true. It reads the ephemeral var.app_secrets,
  # which makes the whole value ephemeral, even when there are no merchants.
  # Terraform before 1.12.2 accepts only such a value in an ephemeral
  # output, and refuses ephemeral.paytoken_token.merchant alone, whose
  # elements are ephemeral but not the map itself.
  value = length(var.app_secrets) >= 0 ? ephemeral.paytoken_token.merchant : {}
}
