# Opening a token only at apply. Terraform opens an ephemeral resource while
# planning as soon as its arguments are known; an argument that stays unknown
# until apply makes it skip the plan-time open, so a run calls the gateway
# once, during apply.
#
# Use it for provisioners (as here) and write-only attributes only. A provider
# configured with such a token gets an unknown value while planning, which most
# providers cannot handle (see "Opening a token only at apply" in the docs).

terraform {
  required_version = ">= 1.10"

  required_providers {
    paytoken = {
      source = "paytoken/paytoken"
    }
  }
}

# Replaced on every run (plantimestamp changes), and the output of a resource
# being replaced is unknown until apply.
resource "terraform_data" "at_apply" {
  input            = "tahsilat"
  triggers_replace = plantimestamp()
}

ephemeral "paytoken_token" "tahsilat" {
  gateway = terraform_data.at_apply.output
}

variable "checkout_config_url" {
  description = "An endpoint of your own that takes the token, e.g. a checkout service's admin API."
  type        = string
  default     = "https://checkout.example.com/admin/tahsilat-token"
}

# Provisioners may use ephemeral values (Terraform >= 1.10). The token goes
# through an environment variable and standard input, never on a command line
# where other processes could read it.
resource "terraform_data" "hand_over" {
  triggers_replace = terraform_data.at_apply.id

  provisioner "local-exec" {
    command = "printf '%s' \"$ACCESS_TOKEN\" | curl --fail --silent --show-error -X PUT --data-binary @- \"$TARGET_URL\""

    environment = {
      ACCESS_TOKEN = ephemeral.paytoken_token.tahsilat.access_token
      TARGET_URL   = var.checkout_config_url
    }
  }
}
