export enum Role {
  Admin = 'admin',
  Bureau = 'bureau',
  Inspector = 'inspector',
  InstitutionHead = 'institution_head',
}

export const ROLES = Object.values(Role);
