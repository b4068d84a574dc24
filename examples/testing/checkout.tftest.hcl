# Runs against the paytoken sandbox: start `paytoken-sandbox -env-file
# sandbox.env`, source sandbox.env, then run `terraform test`.

# The sandbox's tokens are worthless to the real checkout service, so in
# tests the hand-over only checks that a JWT arrived, with its expiry.
variables {
  hand_over_command = "case \"$ACCESS_TOKEN\" in eyJ*.*.*) test -n \"$EXPIRES_AT\" ;; *) exit 1 ;; esac"
}

# The credentials that sandbox.env holds: the sandbox's first Sipay
# merchant, white-label 2D only (is_3d 0).
provider "paytoken" {}

# Another sandbox merchant, 3D Secure only (is_3d 2). These credentials are
# the sandbox's own, fake, printed by paytoken-sandbox; they work nowhere
# else. Hosts still come from sandbox.env.
provider "paytoken" {
  alias = "three_d_only"

  sipay = {
    app_id     = "sandbox-sipay-is3d-2"
    app_secret = "sandbox-secret-is3d-2"
  }
}

run "two_d_merchant" {
  command = apply

  assert {
    condition     = data.paytoken_token.checkout.supports_2d == true && data.paytoken_token.checkout.supports_3d == false
    error_message = "The 2D-only merchant's token should support 2D payments and not 3D Secure."
  }

  assert {
    condition     = data.paytoken_token.checkout.requires_3d_choice == false
    error_message = "A 2D-only merchant's page need not offer a 3D Secure choice."
  }

  # Sipay's tokens live two hours.
  assert {
    condition = (
      timecmp(data.paytoken_token.checkout.expires_at, timeadd(plantimestamp(), "1h30m")) > 0 &&
      timecmp(data.paytoken_token.checkout.expires_at, timeadd(plantimestamp(), "2h30m")) < 0
    )
    error_message = "The token should expire about two hours from now, not at ${data.paytoken_token.checkout.expires_at}."
  }

  assert {
    condition     = terraform_data.hand_over.id != null
    error_message = "The token should have been handed over."
  }
}

# The same page against a 3D-only merchant: the precondition must stop the
# hand-over. Preconditions fail while planning, so this run only plans.
run "three_d_only_merchant_refused" {
  command = plan

  providers = {
    paytoken = paytoken.three_d_only
  }

  expect_failures = [
    terraform_data.hand_over,
  ]
}

run "three_d_page_with_three_d_only_merchant" {
  command = apply

  providers = {
    paytoken = paytoken.three_d_only
  }

  variables {
    payment_page = "3d"
  }

  assert {
    condition     = data.paytoken_token.checkout.supports_3d == true && data.paytoken_token.checkout.supports_2d == false
    error_message = "The 3D-only merchant's token should support 3D Secure and not 2D payments."
  }

  assert {
    condition     = output.token.supports_3d == true
    error_message = "The output should report the handed-over token's capabilities."
  }
}
