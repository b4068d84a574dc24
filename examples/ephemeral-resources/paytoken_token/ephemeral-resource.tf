terraform {
  # 1.11 to feed write-only attributes; the ephemeral resource alone needs 1.10.
  required_version = ">= 1.11"

  required_providers {
    paytoken = {
      source = "paytoken/paytoken"
    }
    restapi = {
      source  = "Mastercard/restapi"
      version = "~> 2.0"
    }
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}

# The sandbox for every gateway, since the restapi providers below call the
# sandbox hosts. Credentials come from PAYTOKEN_* environment variables.
provider "paytoken" {
  sipay     = { sandbox = true }
  tahsilat  = { sandbox = true }
  iyzico    = { sandbox = true }
  vepara    = { sandbox = true }
  qnbpay    = { sandbox = true }
  paybull   = { sandbox = true }
  hepsipay  = { sandbox = true }
  paynkolay = { sandbox = true }
}

# One token per gateway.
ephemeral "paytoken_token" "sipay" {
  gateway = "sipay"

  # Sipay tokens live two hours; ask for one that outlasts a long apply.
  min_valid_for = "30m"
}

ephemeral "paytoken_token" "tahsilat" {
  gateway = "tahsilat"

  tahsilat = {
    key = "secret" # the default; "public" gives a token for 3D Secure payments only
  }
}

# Vepara, QNBpay and PayBull run on Sipay's platform: the same token call,
# two-hour tokens.
ephemeral "paytoken_token" "vepara" {
  gateway       = "vepara"
  min_valid_for = "30m"
}

ephemeral "paytoken_token" "qnbpay" {
  gateway       = "qnbpay"
  min_valid_for = "30m"
}

ephemeral "paytoken_token" "paybull" {
  gateway       = "paybull"
  min_valid_for = "30m"
}

# Hepsipay's tokens live as long as its expires_in says (about 12 hours);
# Paynkolay's live 30 minutes.
ephemeral "paytoken_token" "hepsipay" {
  gateway       = "hepsipay"
  min_valid_for = "30m"
}

ephemeral "paytoken_token" "paynkolay" {
  gateway       = "paynkolay"
  min_valid_for = "10m"
}

# An ephemeral variable keeps the member's session token out of plan and state
# files. When null, the provider's iyzico.session_token is used.
variable "iyzico_session_token" {
  description = "The member's iyzico session token."
  type        = string
  sensitive   = true
  ephemeral   = true
  default     = null
}

ephemeral "paytoken_token" "iyzico" {
  gateway = "iyzico"

  iyzico = {
    session_token     = var.iyzico_session_token
    member_identifier = "member-42"
    locale            = "en"
    conversation_id   = "subscription-renewal"
  }
}

# A token as another provider's credentials: every request of this restapi
# provider carries the Sipay token. Terraform opens the token at plan and
# again at apply and configures the provider with each.
provider "restapi" {
  alias = "sipay"
  uri   = "https://provisioning.sipay.com.tr/ccpayment"

  headers = {
    "Authorization" = "Bearer ${ephemeral.paytoken_token.sipay.access_token}"
    "Content-Type"  = "application/json"
  }
}

provider "restapi" {
  alias = "tahsilat"
  uri   = "https://api.sandbox.tahsilat.com"

  headers = {
    "Authorization" = "Bearer ${ephemeral.paytoken_token.tahsilat.access_token}"
  }
}

provider "restapi" {
  alias = "vepara"
  uri   = "https://test.vepara.com.tr/ccpayment"

  headers = {
    "Authorization" = "Bearer ${ephemeral.paytoken_token.vepara.access_token}"
    "Content-Type"  = "application/json"
  }
}

provider "restapi" {
  alias = "qnbpay"
  uri   = "https://test.qnbpay.com.tr/ccpayment"

  headers = {
    "Authorization" = "Bearer ${ephemeral.paytoken_token.qnbpay.access_token}"
    "Content-Type"  = "application/json"
  }
}

provider "restapi" {
  alias = "paybull"
  uri   = "https://test.paybull.com/ccpayment"

  headers = {
    "Authorization" = "Bearer ${ephemeral.paytoken_token.paybull.access_token}"
    "Content-Type"  = "application/json"
  }
}

provider "restapi" {
  alias = "hepsipay"
  uri   = "https://apientgr.hepsipay.com"

  headers = {
    "Authorization" = "Bearer ${ephemeral.paytoken_token.hepsipay.access_token}"
  }
}

provider "restapi" {
  alias = "paynkolay"
  uri   = "https://apitest.paynkolay.com.tr"

  headers = {
    "Authorization" = "Bearer ${ephemeral.paytoken_token.paynkolay.access_token}"
    "Content-Type"  = "application/json"
  }
}

# A token in a write-only attribute (Terraform >= 1.11): AWS receives it, and
# neither the plan nor the state holds it. A write-only value is sent only
# when its version changes, so the version follows the run's plan time and
# each apply stores the token that apply fetched. iyzico tokens live about
# five minutes: whatever reads this secret must run right after the apply.
variable "token_secret_id" {
  description = "ARN or name of an existing Secrets Manager secret for the iyzico token."
  type        = string
}

resource "aws_secretsmanager_secret_version" "iyzico_token" {
  secret_id = var.token_secret_id

  secret_string_wo = jsonencode({
    access_token = ephemeral.paytoken_token.iyzico.access_token
    expires_at   = ephemeral.paytoken_token.iyzico.expires_at
  })
  secret_string_wo_version = parseint(formatdate("YYYYMMDDhhmmss", plantimestamp()), 10)
}
