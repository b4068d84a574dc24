output "tokens" {
  description = "Expiry and capability flags of each gateway's token. null means the gateway does not say."
  value = {
    for name, t in {
      sipay     = data.paytoken_token.sipay
      tahsilat  = data.paytoken_token.tahsilat
      iyzico    = data.paytoken_token.iyzico
      vepara    = data.paytoken_token.vepara
      qnbpay    = data.paytoken_token.qnbpay
      paybull   = data.paytoken_token.paybull
      hepsipay  = data.paytoken_token.hepsipay
      paynkolay = data.paytoken_token.paynkolay
      } : name => {
      expires_at           = t.expires_at
      supports_2d          = t.supports_2d
      supports_3d          = t.supports_3d
      supports_white_label = t.supports_white_label
      supports_branded     = t.supports_branded
      supports_installment = t.supports_installment
      requires_3d_choice   = t.requires_3d_choice
      scopes               = t.scopes
    }
  }
}
