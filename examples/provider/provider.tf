terraform {
  # 1.10 for ephemeral resources and ephemeral variables.
  required_version = ">= 1.10"

  required_providers {
    paytoken = {
      source  = "paytoken/paytoken"
      version = "~> 0.1"
    }
  }
}

# Secrets stay out of the configuration. Every provider attribute falls back
# to its environment variable (PAYTOKEN_SIPAY_APP_ID, PAYTOKEN_SIPAY_APP_SECRET,
# PAYTOKEN_TAHSILAT_SECRET_KEY, PAYTOKEN_IYZICO_API_KEY,
# PAYTOKEN_VEPARA_APP_SECRET, PAYTOKEN_QNBPAY_APP_SECRET,
# PAYTOKEN_PAYBULL_APP_SECRET, PAYTOKEN_HEPSIPAY_SECRET_KEY,
# PAYTOKEN_PAYNKOLAY_PASSWORD, ...), and a secret that must come through
# Terraform goes in an ephemeral variable, which Terraform never writes to a
# plan or state file.
variable "iyzico_secret_key" {
  description = "iyzico secret key. When null, PAYTOKEN_IYZICO_SECRET_KEY is used."
  type        = string
  sensitive   = true
  ephemeral   = true
  default     = null
}

provider "paytoken" {
  # app_id and app_secret come from PAYTOKEN_SIPAY_APP_ID and
  # PAYTOKEN_SIPAY_APP_SECRET.
  sipay = {
    sandbox = true
  }

  # No tahsilat block: secret_key comes from PAYTOKEN_TAHSILAT_SECRET_KEY, and
  # an sk_test_ key selects the Tahsilat sandbox by itself.

  iyzico = {
    secret_key = var.iyzico_secret_key
    sandbox    = true
    # api_key, session_token and member_identifier come from
    # PAYTOKEN_IYZICO_API_KEY, PAYTOKEN_IYZICO_SESSION_TOKEN and
    # PAYTOKEN_IYZICO_MEMBER_IDENTIFIER.
  }

  # app_id and app_secret come from PAYTOKEN_VEPARA_APP_ID and
  # PAYTOKEN_VEPARA_APP_SECRET; sandbox picks Vepara's test host.
  vepara = {
    sandbox = true
  }

  # QNBpay and PayBull run Sipay's platform: app_id and app_secret come from
  # PAYTOKEN_QNBPAY_APP_ID and PAYTOKEN_QNBPAY_APP_SECRET, and from
  # PAYTOKEN_PAYBULL_APP_ID and PAYTOKEN_PAYBULL_APP_SECRET.
  qnbpay = {
    sandbox = true
  }
  paybull = {
    sandbox = true
  }

  # api_key and secret_key come from PAYTOKEN_HEPSIPAY_API_KEY and
  # PAYTOKEN_HEPSIPAY_SECRET_KEY, sent as HTTP Basic credentials.
  hepsipay = {
    sandbox = true
  }

  # username, password and merchant_no come from PAYTOKEN_PAYNKOLAY_USERNAME,
  # PAYTOKEN_PAYNKOLAY_PASSWORD and PAYTOKEN_PAYNKOLAY_MERCHANT_NO.
  paynkolay = {
    sandbox = true
  }

  request_timeout = "30s"
  max_retries     = 3
}
