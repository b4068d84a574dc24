terraform {
  # 1.5 for check blocks; the data source itself works on any Terraform 1.x.
  required_version = ">= 1.5"

  required_providers {
    paytoken = {
      source = "paytoken/paytoken"
    }
  }
}

# The same token call as the ephemeral resource, keeping only what is safe to
# store: expiry and capabilities. The token itself is never in state.
data "paytoken_token" "tahsilat" {
  gateway = "tahsilat"

  tahsilat = {
    key = "public"
  }
}

# No session_token here: data source arguments are written to state, so the
# member's session comes from the provider's iyzico.session_token (or
# PAYTOKEN_IYZICO_SESSION_TOKEN).
data "paytoken_token" "iyzico" {
  gateway = "iyzico"

  iyzico = {
    locale = "en"
  }
}

output "tahsilat_public_token" {
  description = "A public-key token is for 3D Secure only, so supports_2d is false."
  value = {
    supports_2d = data.paytoken_token.tahsilat.supports_2d
    supports_3d = data.paytoken_token.tahsilat.supports_3d
    expires_at  = data.paytoken_token.tahsilat.expires_at
  }
}

output "iyzico_scopes" {
  value = data.paytoken_token.iyzico.scopes
}

# Vepara's is_3d 3 is its branded payment solution (supports_branded true):
# the buyer pays on Vepara's own page rather than the merchant's form.
data "paytoken_token" "vepara" {
  gateway = "vepara"
}

output "vepara_integration" {
  value = {
    supports_branded     = data.paytoken_token.vepara.supports_branded
    supports_white_label = data.paytoken_token.vepara.supports_white_label
    requires_3d_choice   = data.paytoken_token.vepara.requires_3d_choice
  }
}

# QNBpay and PayBull run Sipay's platform and share its is_3d table: 4 is the
# branded page ("Pay with PayBull" at PayBull).
data "paytoken_token" "qnbpay" {
  gateway = "qnbpay"
}

data "paytoken_token" "paybull" {
  gateway = "paybull"
}

output "branded_payment_page" {
  value = {
    qnbpay  = data.paytoken_token.qnbpay.supports_branded
    paybull = data.paytoken_token.paybull.supports_branded
  }
}

# Hepsipay and Paynkolay fill in no capability flag (all null); what they
# say is how long a token lives: Hepsipay its expires_in (about 12 hours),
# Paynkolay the JWT's exp (30 minutes).
data "paytoken_token" "hepsipay" {
  gateway = "hepsipay"
}

data "paytoken_token" "paynkolay" {
  gateway = "paynkolay"
}

output "token_expiry" {
  value = {
    hepsipay  = data.paytoken_token.hepsipay.expires_at
    paynkolay = data.paytoken_token.paynkolay.expires_at
  }
}

# Warns when the Sipay merchant's integration mode (is_3d) no longer matches
# the checkout page. Nested in the check, the data source is read at plan and
# again at apply, and a failed read is a warning too, so a gateway outage
# never blocks a run.
variable "sipay_checkout" {
  description = "What the checkout page was built for."
  type = object({
    supports_3d        = bool
    requires_3d_choice = bool
  })
  default = {
    supports_3d        = false
    requires_3d_choice = false
  }
}

check "sipay_integration_mode" {
  data "paytoken_token" "sipay" {
    gateway = "sipay"
  }

  assert {
    condition = (
      data.paytoken_token.sipay.supports_3d == var.sipay_checkout.supports_3d &&
      data.paytoken_token.sipay.requires_3d_choice == var.sipay_checkout.requires_3d_choice
    )
    error_message = format(
      "Sipay reports supports_3d = %s and requires_3d_choice = %s, but the checkout page was built for supports_3d = %s and requires_3d_choice = %s. The merchant's integration mode has changed: update the checkout page (a 2D/3D choice when requires_3d_choice is true), then var.sipay_checkout.",
      jsonencode(data.paytoken_token.sipay.supports_3d),
      jsonencode(data.paytoken_token.sipay.requires_3d_choice),
      jsonencode(var.sipay_checkout.supports_3d),
      jsonencode(var.sipay_checkout.requires_3d_choice),
    )
  }
}
