# A token from each gateway, with nothing but `gateway` set: credentials and
# base URLs come from PAYTOKEN_* environment variables. `make demo` sets them
# from the local sandbox; for real gateways, export your own.

terraform {
  required_version = ">= 1.10"

  required_providers {
    paytoken = {
      source = "paytoken/paytoken"
    }
  }
}

provider "paytoken" {}

# The tokens themselves: handed to other providers while Terraform runs,
# never written to state or plan files.
ephemeral "paytoken_token" "sipay" {
  gateway = "sipay"
}

ephemeral "paytoken_token" "tahsilat" {
  gateway = "tahsilat"
}

ephemeral "paytoken_token" "iyzico" {
  gateway = "iyzico"

  iyzico = {
    conversation_id = "quickstart"
  }
}

ephemeral "paytoken_token" "vepara" {
  gateway = "vepara"
}

ephemeral "paytoken_token" "qnbpay" {
  gateway = "qnbpay"
}

ephemeral "paytoken_token" "paybull" {
  gateway = "paybull"
}

ephemeral "paytoken_token" "hepsipay" {
  gateway = "hepsipay"
}

ephemeral "paytoken_token" "paynkolay" {
  gateway = "paynkolay"
}

# Everything but the token, safe to keep in state. Within one run, a data
# source and an ephemeral resource with the same arguments share one token,
# so these are the very tokens opened above.
data "paytoken_token" "sipay" {
  gateway = "sipay"
}

data "paytoken_token" "tahsilat" {
  gateway = "tahsilat"
}

data "paytoken_token" "iyzico" {
  gateway = "iyzico"

  iyzico = {
    conversation_id = "quickstart"
  }
}

data "paytoken_token" "vepara" {
  gateway = "vepara"
}

data "paytoken_token" "qnbpay" {
  gateway = "qnbpay"
}

data "paytoken_token" "paybull" {
  gateway = "paybull"
}

data "paytoken_token" "hepsipay" {
  gateway = "hepsipay"
}

data "paytoken_token" "paynkolay" {
  gateway = "paynkolay"
}
