/** Realistically shaped credentials (random characters, not any real key). */
export const SECRET_SAMPLES = {
  awsSecretKey: 'Zx9Kq2LmN4pR7sT1vW3yB5dF8hJ0kM6nQ2rS4tU7',
  awsKeyId: 'AKIAZQ3DRSTUVWXYZ234',
  githubPat: '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6Kl78Mn',
  githubClassic: 'ghp_Zx9Kq2LmN4pR7sT1vW3yB5dF8hJ0kM6nQ2rS',
  npm: 'npm_Zx9Kq2LmN4pR7sT1vW3yB5dF8hJ0kM6nQ2rS',
  gitlab: 'glpat-Zx9Kq2LmN4pR7sT1vW3y',
  slack: 'xoxb-123456789012-1234567890123-Zx9Kq2LmN4pR7sT1vW3yB5dF',
  privateKey: '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAzx9Kq2LmN4pR7sT1vW3yB5dF8hJ0kM6nQ2rS4tU7\n-----END RSA PRIVATE KEY-----',
};
