/*
 * f030_regs.h - the few STM32F030 and Cortex-M0 registers the board port
 * uses, written from the reference manual (RM0360) and the ARMv6-M
 * architecture manual: base addresses, offsets and bits by name.  Not a
 * vendor header: only what firmware/stm32f030 touches.
 */
#ifndef ONESTOP_F030_REGS_H
#define ONESTOP_F030_REGS_H

#include <stdint.h>

#define F030_REG(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define F030_REG8(a) (*(volatile uint8_t *)(uintptr_t)(a))

/* ---- memory ---- */
#define FLASH_BASE_ADDR 0x08000000u
#define FLASH_PAGE_SIZE 1024u

/* ---- RCC ---- */
#define RCC 0x40021000u
#define RCC_CR (RCC + 0x00)
#define RCC_CR_HSION (1u << 0)
#define RCC_CR_HSIRDY (1u << 1)
#define RCC_CR_PLLON (1u << 24)
#define RCC_CR_PLLRDY (1u << 25)
#define RCC_CFGR (RCC + 0x04)
#define RCC_CFGR_SW_MASK 0x3u          /* 00 = HSI, 10 = PLL */
#define RCC_CFGR_SW_PLL 0x2u
#define RCC_CFGR_SWS_MASK (0x3u << 2)
#define RCC_CFGR_SWS_PLL (0x2u << 2)
#define RCC_CFGR_PLLSRC (1u << 16)     /* 0 = HSI / 2 */
#define RCC_CFGR_PLLMUL_MASK (0xFu << 18)
#define RCC_CFGR_PLLMUL(m) ((uint32_t)((m) - 2) << 18)
#define RCC_CFGR_HPRE_MASK (0xFu << 4)
#define RCC_CFGR_PPRE_MASK (0x7u << 8)
#define RCC_AHBENR (RCC + 0x14)
#define RCC_AHBENR_IOPA (1u << 17)
#define RCC_AHBENR_IOPB (1u << 18)
#define RCC_AHBENR_IOPF (1u << 22)
#define RCC_APB2ENR (RCC + 0x18)
#define RCC_APB2ENR_SPI1 (1u << 12)
#define RCC_APB2ENR_USART1 (1u << 14)
#define RCC_APB1ENR (RCC + 0x1C)
#define RCC_APB1ENR_TIM3 (1u << 1)
#define RCC_APB1ENR_TIM14 (1u << 8)
#define RCC_CSR (RCC + 0x24)
#define RCC_CSR_LSION (1u << 0)
#define RCC_CSR_LSIRDY (1u << 1)
#define RCC_CSR_RMVF (1u << 24)
#define RCC_CSR_IWDGRSTF (1u << 29)

/* ---- FLASH interface ---- */
#define FLASH_R 0x40022000u
#define FLASH_ACR (FLASH_R + 0x00)
#define FLASH_ACR_LATENCY_MASK 0x7u
#define FLASH_ACR_PRFTBE (1u << 4)
#define FLASH_KEYR (FLASH_R + 0x04)
#define FLASH_KEY1 0x45670123u
#define FLASH_KEY2 0xCDEF89ABu
#define FLASH_SR (FLASH_R + 0x0C)
#define FLASH_SR_BSY (1u << 0)
#define FLASH_SR_PGERR (1u << 2)
#define FLASH_SR_WRPRTERR (1u << 4)
#define FLASH_SR_EOP (1u << 5)
#define FLASH_CR (FLASH_R + 0x10)
#define FLASH_CR_PG (1u << 0)
#define FLASH_CR_PER (1u << 1)
#define FLASH_CR_STRT (1u << 6)
#define FLASH_CR_LOCK (1u << 7)
#define FLASH_AR (FLASH_R + 0x14)

/* ---- GPIO ---- */
#define GPIOA 0x48000000u
#define GPIOB 0x48000400u
#define GPIOF 0x48001400u
#define GPIO_MODER 0x00          /* 2 bits a pin: 00 in, 01 out, 10 AF, 11 analog */
#define GPIO_OSPEEDR 0x08
#define GPIO_PUPDR 0x0C          /* 2 bits a pin: 01 pull-up, 10 pull-down */
#define GPIO_IDR 0x10
#define GPIO_BSRR 0x18           /* low half sets, high half resets */
#define GPIO_AFRL 0x20           /* 4 bits a pin, pins 0..7 */
#define GPIO_AFRH 0x24           /* pins 8..15 */
#define GPIO_MODE_IN 0u
#define GPIO_MODE_OUT 1u
#define GPIO_MODE_AF 2u
#define GPIO_PULL_UP 1u

/* ---- USART1 (USART v2: ISR/ICR, RDR/TDR) ---- */
#define USART1 0x40013800u
#define USART_CR1 0x00
#define USART_CR1_UE (1u << 0)
#define USART_CR1_RE (1u << 2)
#define USART_CR1_TE (1u << 3)
#define USART_CR1_RXNEIE (1u << 5)
#define USART_CR1_PS (1u << 9)   /* 1 = odd */
#define USART_CR1_PCE (1u << 10)
#define USART_CR1_M0 (1u << 12)  /* 9-bit word: 8 data + parity */
#define USART_CR1_DEDT_SHIFT 16  /* DE de-assertion time, 1/16 bit units, 0..31 */
#define USART_CR1_DEAT_SHIFT 21  /* DE assertion time */
#define USART_CR2 0x04
#define USART_CR3 0x08
#define USART_CR3_DEM (1u << 14) /* driver enable on the RTS/DE pin */
#define USART_CR3_DEP (1u << 15) /* 1 = DE active low */
#define USART_BRR 0x0C
#define USART_ISR 0x1C
#define USART_ISR_PE (1u << 0)
#define USART_ISR_FE (1u << 1)
#define USART_ISR_NF (1u << 2)
#define USART_ISR_ORE (1u << 3)
#define USART_ISR_RXNE (1u << 5)
#define USART_ISR_TC (1u << 6)
#define USART_ISR_TXE (1u << 7)
#define USART_ICR 0x20
#define USART_ICR_ERRORS 0x0Fu   /* PECF FECF NCF ORECF */
#define USART_ICR_TCCF (1u << 6)
#define USART_RDR 0x24
#define USART_TDR 0x28

/* ---- SPI1 ---- */
#define SPI1 0x40013000u
#define SPI_CR1 0x00
#define SPI_CR1_CPHA (1u << 0)
#define SPI_CR1_CPOL (1u << 1)
#define SPI_CR1_MSTR (1u << 2)
#define SPI_CR1_BR_SHIFT 3       /* fPCLK / 2^(BR+1) */
#define SPI_CR1_SPE (1u << 6)
#define SPI_CR1_SSI (1u << 8)
#define SPI_CR1_SSM (1u << 9)
#define SPI_CR2 0x04
#define SPI_CR2_DS_8BIT (7u << 8)
#define SPI_CR2_FRXTH (1u << 12) /* RXNE at 8 bits */
#define SPI_SR 0x08
#define SPI_SR_RXNE (1u << 0)
#define SPI_SR_TXE (1u << 1)
#define SPI_SR_BSY (1u << 7)
#define SPI_DR 0x0C              /* byte access: one 8-bit frame */

/* ---- timers (TIM3 general purpose, TIM14 basic with one channel) ---- */
#define TIM3 0x40000400u
#define TIM14 0x40002000u
#define TIM_CR1 0x00
#define TIM_CR1_CEN (1u << 0)
#define TIM_CR1_URS (1u << 2)
#define TIM_CR1_OPM (1u << 3)
#define TIM_CR1_ARPE (1u << 7)
#define TIM_DIER 0x0C
#define TIM_DIER_UIE (1u << 0)
#define TIM_SR 0x10
#define TIM_SR_UIF (1u << 0)
#define TIM_EGR 0x14
#define TIM_EGR_UG (1u << 0)
#define TIM_CCMR2 0x1C
#define TIM_CCMR2_OC4PE (1u << 11)
#define TIM_CCMR2_OC4M_PWM1 (6u << 12)
#define TIM_CCER 0x20
#define TIM_CCER_CC4E (1u << 12)
#define TIM_CCER_CC4P (1u << 13)  /* output active low */
#define TIM_CNT 0x24
#define TIM_PSC 0x28
#define TIM_ARR 0x2C
#define TIM_CCR4 0x40

/* ---- IWDG (clocked by the LSI, ~40 kHz, 30..50 kHz over the range) ---- */
#define IWDG 0x40003000u
#define IWDG_KR (IWDG + 0x00)
#define IWDG_KEY_RELOAD 0xAAAAu
#define IWDG_KEY_ACCESS 0x5555u
#define IWDG_KEY_START 0xCCCCu
#define IWDG_PR (IWDG + 0x04)
#define IWDG_RLR (IWDG + 0x08)
#define IWDG_SR (IWDG + 0x0C)    /* PVU, RVU: update in progress */

/* ---- Cortex-M0 system ---- */
#define SYST_CSR 0xE000E010u
#define SYST_CSR_ENABLE (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2)  /* processor clock */
#define SYST_RVR 0xE000E014u
#define SYST_CVR 0xE000E018u
#define NVIC_ISER 0xE000E100u
#define NVIC_IPR(n) (0xE000E400u + 4u * ((n) / 4u))  /* word access only on v6-M */
#define SCB_AIRCR 0xE000ED0Cu
#define SCB_AIRCR_SYSRESET 0x05FA0004u
#define SCB_SHPR3 0xE000ED20u     /* bits 31:30 SysTick priority */

/* IRQ numbers (vector = 16 + n). */
#define IRQ_TIM3 16
#define IRQ_TIM14 19
#define IRQ_USART1 27
#define F030_IRQ_COUNT 28         /* vectors used: up to USART1 */

#endif
