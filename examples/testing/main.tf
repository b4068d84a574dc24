# A checkout service's Sipay token, handed over by a provisioner, with the
# tests in checkout.tftest.hcl. `terraform test` runs them against the
# paytoken sandbox: see the "Testing with the sandbox" guide.

terraform {
  required_version = ">= 1.10"

  required_providers {
    paytoken = {
      source = "paytoken/paytoken"
    }
  }
}

# Credentials and base URLs come from the PAYTOKEN_* environment variables:
# in CI, the ones that `paytoken-sandbox -env-file` writes.
provider "paytoken" {}

variable "payment_page" {
  description = "How the checkout page takes card payments: \"2d\", \"3d\" (3D Secure only), or \"choice\" (the buyer chooses)."
  type        = string
  default     = "2d"

  validation {
    condition     = contains(["2d", "3d", "choice"], var.payment_page)
    error_message = "payment_page must be \"2d\", \"3d\" or \"choice\"."
  }
}

variable "hand_over_command" {
  description = "The command that hands the token to the checkout service. It finds the token in ACCESS_TOKEN and its expiry in EXPIRES_AT, never on its command line."
  type        = string
  default     = "printf '%s' \"$ACCESS_TOKEN\" | curl --fail --silent --show-error -X PUT --data-binary @- https://checkout.example.com/admin/sipay-token"
}

ephemeral "paytoken_token" "checkout" {
  gateway       = "sipay"
  min_valid_for = "30m"
}

# The same token call without the token: within one run the data source
# shares the ephemeral resource's token, so it reports the very token handed
# over. Unlike the ephemeral resource, tests can assert on it.
data "paytoken_token" "checkout" {
  gateway       = "sipay"
  min_valid_for = "30m"
}

resource "terraform_data" "hand_over" {
  # Replaced on every run, so each apply hands over the token it opened.
  triggers_replace = plantimestamp()

  lifecycle {
    # The token must suit the page: a merchant whose integration mode
    # changed makes the run fail here, before the token is handed over.
    precondition {
      condition = (
        ephemeral.paytoken_token.checkout.requires_3d_choice == (var.payment_page == "choice") &&
        (var.payment_page != "2d" || ephemeral.paytoken_token.checkout.supports_2d == true) &&
        (var.payment_page != "3d" || ephemeral.paytoken_token.checkout.supports_3d == true)
      )
      error_message = format(
        "The checkout page takes %q payments, but the merchant's token has supports_2d = %s, supports_3d = %s and requires_3d_choice = %s.",
        var.payment_page,
        jsonencode(data.paytoken_token.checkout.supports_2d),
        jsonencode(data.paytoken_token.checkout.supports_3d),
        jsonencode(data.paytoken_token.checkout.requires_3d_choice),
      )
    }
  }

  provisioner "local-exec" {
    command = var.hand_over_command

    environment = {
      ACCESS_TOKEN = ephemeral.paytoken_token.checkout.access_token
      EXPIRES_AT   = ephemeral.paytoken_token.checkout.expires_at
    }
  }
}

output "token" {
  description = "The handed-over token's expiry and capabilities; never the token itself."
  value = {
    expires_at         = data.paytoken_token.checkout.expires_at
    supports_2d        = data.paytoken_token.checkout.supports_2d
    supports_3d        = data.paytoken_token.checkout.supports_3d
    requires_3d_choice = data.paytoken_token.checkout.requires_3d_choice
  }
}
