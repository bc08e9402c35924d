/**
 * The password rules of 等保 2.0 level 3 (身份鉴别: 口令复杂度, 定期更换, 不重复):
 * at least 8 characters with three of lower case, upper case, digits and
 * symbols; not the username; not one of the user's last 5 passwords.
 */
export const PASSWORD_RULES = { minLength: 8, classes: 3, history: 5 } as const;

/** What is wrong with a new password, in the words the user reads (empty when it passes). */
export function passwordProblems(password: string, username: string): string[] {
  const problems: string[] = [];
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((c) => c.test(password)).length;
  if ([...password].length < PASSWORD_RULES.minLength || classes < PASSWORD_RULES.classes) {
    problems.push(`密码至少 ${PASSWORD_RULES.minLength} 位，且包含小写字母、大写字母、数字、符号中的至少三类`);
  }
  const lower = password.toLowerCase();
  const name = username.toLowerCase();
  if (name !== '' && (lower.includes(name) || lower === [...name].reverse().join(''))) problems.push('密码不能包含用户名');
  return problems;
}
